using DeepCnn.Mnist;
using DeepCnn.Models;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Onnx.Tests;

/// <summary>
/// ONNX Runtime, running the exported graphs of the notebook's four networks on real MNIST test
/// images, gives DeepCnn's predictions to 1e-4 (absolute, on the probabilities).
/// </summary>
public sealed class MnistParityTests(MnistParityTests.RealMnist mnist) : IClassFixture<MnistParityTests.RealMnist>
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> ModelNames => ["I", "II", "III", "IV"];

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Onnx_Runtime_predicts_what_DeepCnn_predicts_on_real_MNIST(string name)
    {
        var model = name switch
        {
            "I" => NotebookModels.ModelI(seed: 42),
            "II" => NotebookModels.ModelII(seed: 42),
            "III" => NotebookModels.ModelIII(seed: 42),
            _ => NotebookModels.ModelIV(seed: 42),
        };
        model.Compile();
        // A few steps move the weights off their initialization and (for IV) the BatchNorm moving
        // statistics off (0, 1), so the export has to carry them.
        for (int step = 0; step < 3; step++)
            model.TrainStep(mnist.TrainImages.SliceBatch(step * 32, 32), mnist.TrainLabels.SliceBatch(step * 32, 32));

        using var directory = new TemporaryDirectory();
        string path = directory.Combine($"model-{name}.onnx");
        model.ExportOnnx(path);

        var expected = model.Predict(mnist.TestImages);
        var actual = OnnxRuntimeRunner.Run(path, mnist.TestImages);
        Approximately.Equal(expected.Span, actual, Tolerance, $"model {name} probabilities");
        Assert.Equal([$"model-{name}.onnx"], directory.FileNames());
    }

    [Fact]
    public void Batch_normalization_statistics_really_moved_in_model_IV()
    {
        var model = NotebookModels.ModelIV(seed: 42);
        model.Compile();
        model.TrainStep(mnist.TrainImages.SliceBatch(0, 32), mnist.TrainLabels.SliceBatch(0, 32));
        var norm = model.Layers.OfType<DeepCnn.Layers.BatchNormalization>().First();
        Assert.Contains(norm.MovingMean.Value.ToArray(), v => v != 0);
        Assert.Contains(norm.MovingVariance.Value.ToArray(), v => v != 1);
    }

    /// <summary>Real MNIST through the library's own lookup (the verified cache, else its fetch path), loaded once.</summary>
    public sealed class RealMnist
    {
        public RealMnist()
        {
            var (train, test) = Mnist.Mnist.Load(log: TextWriter.Null);
            var trainSlice = train.Slice(0, 96);
            var testSlice = test.Slice(0, 64);
            TrainImages = Tensor.FromArray(trainSlice.ToFloat(), 96, 1, 28, 28);
            TrainLabels = Tensor.FromArray(trainSlice.ToCategorical(), 96, 10);
            TestImages = Tensor.FromArray(testSlice.ToFloat(), 64, 1, 28, 28);
        }

        /// <summary>The first 96 training images [96, 1, 28, 28] in [0, 1].</summary>
        public Tensor TrainImages { get; }

        /// <summary>Their one-hot labels [96, 10].</summary>
        public Tensor TrainLabels { get; }

        /// <summary>The first 64 test images [64, 1, 28, 28] in [0, 1].</summary>
        public Tensor TestImages { get; }
    }
}
