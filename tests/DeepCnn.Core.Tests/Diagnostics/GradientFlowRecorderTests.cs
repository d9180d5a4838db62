using DeepCnn.Core.Tests.Support;
using DeepCnn.Diagnostics;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Diagnostics;

public class GradientFlowRecorderTests
{
    // x = [2] -> Dense(2, relu), kernel [[1, -1]] -> z = [2, -2], y = [2, 0]
    //         -> Dense(2, softmax), kernel [[0, 0], [1, 1]] -> logits [0, 0], p = [0.5, 0.5]; target [1, 0].
    private static Sequential TinyModel()
    {
        var model = new Sequential();
        var first = new Dense(2, "relu", inputShape: [1]);
        var second = new Dense(2, "softmax");
        model.Add(first).Add(second);
        model.Compile();
        new float[] { 1, -1 }.CopyTo(first.Kernel.Value.Span);
        new float[] { 0, 0, 1, 1 }.CopyTo(second.Kernel.Value.Span);
        return model;
    }

    [Fact]
    public void The_recorded_numbers_of_a_tiny_model_match_a_hand_computation()
    {
        var model = TinyModel();
        var recorder = new GradientFlowRecorder(every: 3);
        model.Observer = recorder;
        var x = Tensor.FromArray([2f], 1, 1);
        var y = Tensor.FromArray([1f, 0f], 1, 2);
        for (int i = 0; i < 4; i++)
            model.TrainStep(x, y);
        Assert.Equal([0L, 3L], recorder.RecordedSteps);

        double Value(int layer, string metric) => recorder.Samples.Single(s => s.Step == 0 && s.LayerIndex == layer && s.Metric == metric).Value;
        // Layer 0: relu output [2, 0].
        Assert.Equal(1.0, Value(0, "output_mean"), 6);
        Assert.Equal(1.0, Value(0, "output_std"), 6);
        Assert.Equal(0.5, Value(0, "relu_zero_fraction"), 6);
        // Layer 1: dL/dlogits = p - t = [-0.5, 0.5]; dW = y0^T dz = [[-1, 1], [0, 0]]; dx = dz W^T = [0, 0].
        Assert.Equal(Math.Sqrt(0.5), Value(1, "output_grad_norm"), 6);
        Assert.Equal(Math.Sqrt(2), Value(1, "grad_norm:kernel"), 6);
        Assert.Equal(Math.Sqrt(0.5), Value(1, "grad_norm:bias"), 6);
        Assert.Equal(0.0, Value(1, "input_grad_norm"), 6);
        Assert.Equal(0.5, Value(1, "output_mean"), 6);
        Assert.Equal(0.0, Value(1, "output_std"), 6);
        // Adam's first step moves every weight with a nonzero gradient by lr = 1e-3:
        // ||dW|| = sqrt(2) * 1e-3 and ||W|| = sqrt(2), so the ratio is 1e-3.
        Assert.Equal(1e-3, Value(1, "update_ratio:kernel"), 6);
        // Layer 0 gets no gradient (dx of layer 1 is zero), so it does not move.
        Assert.Equal(0.0, Value(0, "grad_norm:kernel"), 6);
        Assert.Equal(0.0, Value(0, "update_ratio:kernel"), 6);
        Assert.Equal("dense_1", recorder.Samples.First(s => s.LayerIndex == 1).LayerName);
    }

    [Fact]
    public void Training_with_the_recorder_is_bit_identical_to_training_without_it()
    {
        float[] Train(bool record)
        {
            var model = new Sequential(seed: 5);
            model.Add(new Conv2D(3, 3, activation: "relu", inputShape: [6, 6, 1]));
            model.Add(new BatchNormalization());
            model.Add(new Dropout(0.3));
            model.Add(new Flatten());
            model.Add(new Dense(3, "softmax"));
            model.Compile();
            if (record)
                model.Observer = new GradientFlowRecorder(every: 2);
            var rng = new Rng(9);
            var x = TestData.Uniform(rng, 0, 1, 20, 1, 6, 6);
            var y = TestData.OneHot(rng, 20, 3);
            model.Fit(x, y, epochs: 2, batchSize: 5, validationSplit: 0.2);
            return model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();
        }
        Assert.Equal(Train(false), Train(true));
    }

    [Fact]
    public void The_csv_has_one_row_per_sample()
    {
        var model = TinyModel();
        var recorder = new GradientFlowRecorder(every: 1);
        model.Observer = recorder;
        model.TrainStep(Tensor.FromArray([2f], 1, 1), Tensor.FromArray([1f, 0f], 1, 2));
        string path = Path.Combine(Path.GetTempPath(), $"diag-{Guid.NewGuid():N}.csv");
        try
        {
            recorder.WriteCsv(path);
            var lines = File.ReadAllLines(path);
            Assert.Equal("step,layer_index,layer_name,metric,value", lines[0]);
            Assert.Equal(recorder.Samples.Count + 1, lines.Length);
            Assert.Contains("0,1,dense_1,grad_norm:kernel,", lines[1..].First(l => l.Contains("grad_norm:kernel", StringComparison.Ordinal) && l.StartsWith("0,1,", StringComparison.Ordinal)), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0.0, FlowVerdict.Vanishing)]
    [InlineData(double.NaN, FlowVerdict.Vanishing)]
    [InlineData(0.05, FlowVerdict.Vanishing)]
    [InlineData(0.5, FlowVerdict.Healthy)]
    [InlineData(9.0, FlowVerdict.Healthy)]
    [InlineData(800.0, FlowVerdict.Exploding)]
    public void The_flow_verdict_follows_the_ratio_thresholds(double ratio, FlowVerdict expected) =>
        Assert.Equal(expected, GradientFlow.Classify(ratio));

    [Fact]
    public void Probe_leaves_the_weights_untouched_and_compares_first_and_last_conv()
    {
        var model = new Sequential(seed: 3);
        model.Add(new Conv2D(4, 3, activation: "relu", inputShape: [8, 8, 1]));
        model.Add(new Conv2D(4, 3, activation: "relu", padding: "same"));
        model.Add(new Conv2D(4, 3, activation: "relu"));
        model.Add(new Flatten());
        model.Add(new Dense(3, "softmax"));
        model.Compile();
        var before = model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();
        var rng = new Rng(4);
        var report = GradientFlow.Probe(model, TestData.Uniform(rng, 0, 1, 4, 1, 8, 8), TestData.OneHot(rng, 4, 3));
        Assert.Equal(before, model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray());
        Assert.Equal((0, 2), (report.FirstConv, report.LastConv));
        Assert.Equal(report.Layers[0].OutputGradNorm / report.Layers[2].OutputGradNorm, report.Ratio, 12);
        Assert.Equal(5, report.Layers.Count);
    }
}
