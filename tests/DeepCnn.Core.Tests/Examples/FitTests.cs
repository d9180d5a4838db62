using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Optimizers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Examples;

/// <summary>Keras's fit semantics on small synthetic problems.</summary>
public class FitTests
{
    // A learnable toy task: 8x8 single-channel images whose bright quadrant is the class (4 classes).
    private static (Tensor X, Tensor Y) Quadrants(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var x = TestData.Uniform(rng, 0, 0.3f, count, 1, 8, 8);
        var y = new Tensor(count, 4);
        for (int n = 0; n < count; n++)
        {
            int q = rng.NextInt(4);
            y[n, q] = 1;
            for (int h = 0; h < 4; h++)
                for (int w = 0; w < 4; w++)
                    x[n, 0, ((q / 2) * 4) + h, ((q % 2) * 4) + w] += 0.7f;
        }
        return (x, y);
    }

    private static Sequential SmallModel(ulong seed, double dropout = 0.2)
    {
        var model = new Sequential(seed: seed);
        model.Add(new Conv2D(4, 3, activation: "relu", inputShape: [8, 8, 1]));
        model.Add(new BatchNormalization());
        model.Add(new Dropout(dropout));
        model.Add(new MaxPool2D(2));
        model.Add(new Flatten());
        model.Add(new Dense(8, activation: "relu"));
        model.Add(new Dense(4, activation: "softmax"));
        model.Compile(new Adam(0.01));
        return model;
    }

    [Fact]
    public void A_small_model_learns_a_toy_task()
    {
        var (x, y) = Quadrants(400, 1);
        var model = SmallModel(1);
        var history = model.Fit(x, y, epochs: 5, batchSize: 10, validationSplit: 0.2);
        Assert.Equal(5, history.Epochs.Count);
        Assert.True(history.Epochs[^1].ValAccuracy > 0.9, $"val_accuracy {history.Epochs[^1].ValAccuracy}");
        Assert.True(history["loss"][^1] < history["loss"][0]);
    }

    [Fact]
    public void Validation_split_holds_out_the_last_samples_before_shuffling()
    {
        var (x, y) = Quadrants(100, 2);
        // Poison the last 20 samples: if training ever saw one, the loss would be NaN and Fit would throw.
        for (int n = 80; n < 100; n++)
            x.Sample(n).Fill(float.NaN);
        var history = SmallModel(2).Fit(x, y, epochs: 2, batchSize: 10, validationSplit: 0.2);
        Assert.All(history["loss"], l => Assert.True(double.IsFinite(l)));
        Assert.All(history["val_loss"], l => Assert.True(double.IsNaN(l)));
    }

    [Fact]
    public void Validation_metrics_equal_evaluate_on_the_held_out_part_with_the_final_weights()
    {
        var (x, y) = Quadrants(100, 3);
        var model = SmallModel(3);
        var history = model.Fit(x, y, epochs: 1, batchSize: 10, validationSplit: 0.3);
        var (loss, accuracy) = model.Evaluate(x.SliceBatch(70, 30), y.SliceBatch(70, 30), batchSize: 10);
        Assert.Equal(loss, history.Epochs[0].ValLoss!.Value, 10);
        Assert.Equal(accuracy, history.Epochs[0].ValAccuracy!.Value, 10);
        Assert.Equal(7, history.Epochs[0].Steps);
    }

    [Fact]
    public void Displayed_loss_and_accuracy_are_running_means_over_the_epoch()
    {
        var (x, y) = Quadrants(95, 4);
        var recorder = new Recorder();
        var history = SmallModel(4).Fit(x, y, epochs: 1, batchSize: 10, callbacks: [recorder]);
        // 95 samples: nine batches of 10 and a final partial batch of 5, weighted by size.
        Assert.Equal(10, recorder.Batches.Count);
        double weighted = recorder.Batches.Take(9).Sum(b => b.BatchLoss * 10) + (recorder.Batches[9].BatchLoss * 5);
        Assert.Equal(weighted / 95, history.Epochs[0].Loss, 10);
        Assert.Equal(history.Epochs[0].Loss, recorder.Batches[^1].Loss, 12);
        Assert.Equal(history.Epochs[0].Accuracy, recorder.Batches[^1].Accuracy, 12);
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_and_another_seed_does_not()
    {
        var (x, y) = Quadrants(60, 5);
        float[] Train(ulong seed)
        {
            var model = SmallModel(seed, dropout: 0.4);
            model.Fit(x, y, epochs: 2, batchSize: 10, validationSplit: 0.2);
            return model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();
        }
        Assert.Equal(Train(7), Train(7));
        Assert.NotEqual(Train(7), Train(8));
    }

    [Fact]
    public void Keras_channels_last_input_gives_the_same_result_as_channels_first()
    {
        var (x, y) = Quadrants(40, 6);
        var nhwc = new Tensor(40, 8, 8, 1);
        x.Span.CopyTo(nhwc.Span); // one channel: the same memory order
        var a = SmallModel(9).Fit(x, y, epochs: 1, batchSize: 10);
        var b = SmallModel(9).Fit(nhwc, y, epochs: 1, batchSize: 10);
        Assert.Equal(a.Epochs[0].Loss, b.Epochs[0].Loss);
    }

    [Fact]
    public void A_loss_that_becomes_nan_stops_training_naming_epoch_and_step()
    {
        var (x, y) = Quadrants(40, 7);
        x.Sample(25).Fill(float.NaN);
        var e = Assert.Throws<TrainingDivergedException>(() => SmallModel(1).Fit(x, y, epochs: 2, batchSize: 10, shuffle: false));
        Assert.Equal((1, 3), (e.Epoch, e.Step));
        Assert.Contains("epoch 1, step 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_validation_split_that_leaves_nothing_is_rejected()
    {
        var (x, y) = Quadrants(1, 8);
        var e = Assert.Throws<ArgumentException>(() => SmallModel(1).Fit(x, y, validationSplit: 0.5));
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_that_do_not_match_the_output_are_rejected_before_training()
    {
        var (x, _) = Quadrants(10, 8);
        var e = Assert.Throws<ShapeMismatchException>(() => SmallModel(1).Fit(x, new Tensor(10, 3)));
        Assert.Contains("[3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_stops_after_the_current_step_and_marks_the_history()
    {
        var (x, y) = Quadrants(100, 9);
        using var cts = new CancellationTokenSource();
        var stopper = new Recorder { CancelAfter = 3, Source = cts };
        var history = SmallModel(1).Fit(x, y, epochs: 3, batchSize: 10, callbacks: [stopper], cancellationToken: cts.Token);
        Assert.True(history.Interrupted);
        Assert.Single(history.Epochs);
        Assert.Equal(3, history.Epochs[0].Steps);
    }

    [Fact]
    public void Predict_returns_probabilities_for_every_sample()
    {
        var (x, _) = Quadrants(23, 10);
        var p = SmallModel(1).Predict(x, batchSize: 10);
        Assert.Equal([23, 4], p.Shape.ToArray());
        for (int n = 0; n < 23; n++)
            Assert.Equal(1.0, p.Sample(n).ToArray().Sum(v => (double)v), 5);
    }

    private sealed class Recorder : ITrainingCallback
    {
        public List<BatchProgress> Batches { get; } = [];

        public int CancelAfter { get; init; } = int.MaxValue;

        public CancellationTokenSource? Source { get; init; }

        public void OnBatchEnd(in BatchProgress progress)
        {
            Batches.Add(progress);
            if (Batches.Count >= CancelAfter)
                Source?.Cancel();
        }
    }
}
