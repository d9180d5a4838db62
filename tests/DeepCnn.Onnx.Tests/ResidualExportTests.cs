using DeepCnn.Layers;
using DeepCnn.Models;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Onnx.Tests;

/// <summary>
/// Residual blocks export as their branch's nodes followed by an Add of the block's input and the
/// branch's output, nested blocks too; ONNX Runtime then predicts what DeepCnn predicts, on random
/// inputs and on real MNIST test images for residual model II.
/// </summary>
public sealed class ResidualExportTests(MnistParityTests.RealMnist mnist) : IClassFixture<MnistParityTests.RealMnist>
{
    // As the notebook models' parity tests. Measured: the largest difference is 3e-8 with 4 blocks
    // and 1.5e-8 with 400 (800 convolutions), so depth needs no looser bound; dropping the blocks'
    // Adds (branches ignored) moves the probabilities by 9e-3 and 1.4e-3, well above it.
    private const double Tolerance = 1e-4;

    // A block with BatchNormalization, Dropout and a nested block inside, and a model that ends in a block.
    private static Sequential Nested()
    {
        var model = new Sequential("nested", seed: 3);
        model.Add(new Conv2D(3, 3, padding: "same", inputShape: [6, 5, 2]));
        model.Add(new Residual(
        [
            new BatchNormalization(), new ReLU(), new Dropout(0.3), new Conv2D(3, 3, padding: "same"),
            new Residual([new BatchNormalization(), new Conv2D(3, 1, activation: "relu")]),
        ]));
        model.Add(new Flatten());
        model.Add(new Dense(4, activation: "relu"));
        model.Add(new Residual([new Dense(4), new BatchNormalization()]));
        return model;
    }

    [Fact]
    public void A_block_is_its_branch_then_an_Add_of_the_block_input_and_the_branch_output()
    {
        var model = Nested();
        model.Build();

        var graph = GraphBuilder.Build(model);

        Assert.Equal(
            [("Conv", "conv2d"),
             ("BatchNormalization", "residual/batch_normalization"), ("Relu", "residual/re_lu"), ("Identity", "residual/dropout"), ("Conv", "residual/conv2d"),
             ("BatchNormalization", "residual/residual/batch_normalization"), ("Conv", "residual/residual/conv2d/linear"), ("Relu", "residual/residual/conv2d"),
             ("Add", "residual/residual"), ("Add", "residual"),
             ("Transpose", "flatten/nhwc"), ("Flatten", "flatten"), ("Gemm", "dense/linear"), ("Relu", "dense"),
             ("Gemm", "residual_1/dense"), ("BatchNormalization", "residual_1/batch_normalization"), ("Add", "residual_1")],
            graph.Nodes.Select(n => (n.OpType, n.Name)));
        var adds = graph.Nodes.Where(n => n.OpType == "Add").ToList();
        // Each Add takes the block's input and its branch's last value; the nested block's output is the outer branch's last value.
        Assert.Equal(["residual/conv2d", "residual/residual/conv2d"], adds[0].Inputs);
        Assert.Equal(["conv2d", "residual/residual"], adds[1].Inputs);
        Assert.Equal(["dense", "residual_1/batch_normalization"], adds[2].Inputs);
        // A model that ends in a block: its Add produces the graph output.
        Assert.Equal(OnnxExport.OutputName, adds[2].Output);
        // Weights are named by layer path, so the two blocks' "conv2d" kernels stay apart.
        Assert.Contains("residual/residual/conv2d/kernel", graph.Initializers.Select(i => i.Name));
        Assert.Equal(graph.Initializers.Count, graph.Initializers.Select(i => i.Name).Distinct().Count());
    }

    [Fact]
    public void Nested_blocks_with_trained_BatchNorm_and_Dropout_predict_the_same_in_ONNX_Runtime()
    {
        var model = Nested();
        model.Compile();
        var rng = new Rng(4);
        var train = Random(rng, 8, 2, 6, 5);
        var labels = new Tensor(8, 4);
        for (int n = 0; n < 8; n++)
            labels[n, n % 4] = 1;
        for (int step = 0; step < 3; step++)
            model.TrainStep(train, labels);

        var x = Random(rng, 5, 2, 6, 5);
        Approximately.Equal(model.Predict(x).Span, RunExported(model, x), 1e-5, "outputs");
    }

    [Fact]
    public void Residual_model_II_with_4_blocks_after_training_matches_on_real_MNIST()
    {
        var model = NotebookModels.ResidualII(seed: 42, blocks: 4, identityInit: false);
        model.Compile();
        // Steps move the BatchNorm moving statistics off (0, 1) and the gammas off 1.
        for (int step = 0; step < 3; step++)
            model.TrainStep(mnist.TrainImages.SliceBatch(step * 32, 32), mnist.TrainLabels.SliceBatch(step * 32, 32));
        var norm = model.Layers.OfType<Residual>().First().Sublayers.OfType<BatchNormalization>().Last();
        Assert.Contains(norm.Gamma.Value.ToArray(), v => v != 1);
        Assert.Contains(norm.MovingMean.Value.ToArray(), v => v != 0);

        Approximately.Equal(model.Predict(mnist.TestImages).Span, RunExported(model, mnist.TestImages), Tolerance, "residual II (4 blocks) probabilities");
    }

    [Fact]
    public void Residual_model_II_with_400_blocks_after_one_step_matches_on_real_MNIST()
    {
        var model = NotebookModels.ResidualII(seed: 42);
        model.Compile();
        model.TrainStep(mnist.TrainImages.SliceBatch(0, 32), mnist.TrainLabels.SliceBatch(0, 32));

        Approximately.Equal(model.Predict(mnist.TestImages).Span, RunExported(model, mnist.TestImages), Tolerance, "residual II (400 blocks) probabilities");
    }

    private static Tensor Random(Rng rng, params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Length; i++)
            t[i] = rng.NextUniform(-1, 1);
        return t;
    }

    private static float[] RunExported(Sequential model, Tensor x)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.Combine("model.onnx");
        model.ExportOnnx(path);
        return OnnxRuntimeRunner.Run(path, x);
    }
}
