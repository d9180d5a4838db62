using DeepCnn.Initializers;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Onnx.Tests;

/// <summary>Single translations checked in ONNX Runtime: Flatten's channels-last order, padding geometry, every layer type.</summary>
public sealed class LayerExportTests
{
    private static Tensor Random(ulong seed, params int[] shape)
    {
        var rng = new Rng(seed);
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

    [Fact]
    public void Flatten_of_a_non_square_multi_channel_image_keeps_Keras_channels_last_order_exactly()
    {
        // H = 3, W = 5, C = 2: element (c, h, w) must land at (h * 5 + w) * 2 + c.
        var model = new Sequential("flatten-only");
        model.Add(new Flatten());
        model.Build([3, 5, 2]);
        var x = new Tensor(2, 2, 3, 5);
        for (int i = 0; i < x.Length; i++)
            x[i] = i;

        var actual = RunExported(model, x);

        Assert.Equal(model.Predict(x).ToArray(), actual);
        Assert.Equal(x[1, 1, 2, 3], actual[30 + (((2 * 5) + 3) * 2) + 1]);
    }

    [Fact]
    public void A_Dense_layer_after_Flatten_sees_the_weights_in_the_order_it_was_trained_with()
    {
        var model = new Sequential("flatten-dense", seed: 4);
        model.Add(new Conv2D(3, 2, activation: "relu", inputShape: [3, 5, 2]));
        model.Add(new Flatten());
        model.Add(new Dense(4, activation: "softmax"));
        var x = Random(1, 3, 2, 3, 5);
        Approximately.Equal(model.Predict(x).Span, RunExported(model, x), 1e-6, "probabilities");
    }

    [Theory]
    [InlineData(7, 5, 3, 2, "same")]
    [InlineData(8, 6, 3, 2, "same")]
    [InlineData(7, 9, 2, 3, "same")]
    [InlineData(7, 5, 3, 2, "valid")]
    [InlineData(9, 9, 4, 3, "valid")]
    public void Convolution_padding_and_stride_match_in_every_geometry(int height, int width, int kernel, int stride, string padding)
    {
        var model = new Sequential("conv", seed: 2);
        model.Add(new Conv2D(3, kernel, strides: stride, padding: padding, inputShape: [height, width, 2]));
        var x = Random(3, 2, 2, height, width);
        Approximately.Equal(model.Predict(x).Span, RunExported(model, x), 1e-5, $"{padding} {kernel}x{kernel}/{stride} on {height}x{width}");
    }

    [Fact]
    public void Every_layer_type_and_option_exports()
    {
        var model = new Sequential("every-layer", seed: 9);
        model.Add(new Conv2D(4, 3, padding: "same", useBias: false, kernelInitializer: Initializer.HeNormal, inputShape: [9, 7, 2]));
        model.Add(new ReLU());
        model.Add(new BatchNormalization(epsilon: 0.01));
        model.Add(new MaxPool2D(poolSize: 3, strides: 2));
        model.Add(new Dropout(0.5));
        model.Add(new Flatten());
        model.Add(new Dense(6, useBias: false));
        model.Add(new BatchNormalization());
        model.Add(new Dense(5, activation: "relu"));
        model.Add(new Dense(3, activation: "softmax"));
        model.Compile();
        var train = Random(5, 8, 2, 9, 7);
        var labels = new Tensor(8, 3);
        for (int n = 0; n < 8; n++)
            labels[n, n % 3] = 1;
        for (int step = 0; step < 3; step++)
            model.TrainStep(train, labels);

        var x = Random(6, 5, 2, 9, 7);
        Approximately.Equal(model.Predict(x).Span, RunExported(model, x), 1e-5, "probabilities");
    }

    [Fact]
    public void A_model_ending_in_Dropout_still_names_its_output()
    {
        var model = new Sequential("dropout-last");
        model.Add(new Dense(3, inputShape: [4]));
        model.Add(new Dropout(0.2));
        var x = Random(7, 2, 4);
        Approximately.Equal(model.Predict(x).Span, RunExported(model, x), 1e-6, "outputs");
    }

    [Fact]
    public void A_layer_without_a_translation_is_refused()
    {
        var model = new Sequential();
        model.Add(new Halver());
        model.Build([4]);
        var error = Assert.Throws<NotSupportedException>(() => model.ToOnnxBytes());
        Assert.Contains("Halver", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A user-defined layer: y = x / 2.</summary>
    private sealed class Halver : Layer
    {
        public override string TypeName => "Halver";

        public override string NamePrefix => "halver";

        protected override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

        public override void Forward(Tensor x, Tensor y, bool training)
        {
            for (int i = 0; i < x.Length; i++)
                y[i] = x[i] / 2;
        }

        public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
        {
            if (dx is not null)
                for (int i = 0; i < dy.Length; i++)
                    dx[i] = dy[i] / 2;
        }
    }
}
