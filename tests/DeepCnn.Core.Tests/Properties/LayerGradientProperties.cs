using DeepCnn.Checking;
using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using FsCheck.Xunit;
using Xunit;

namespace DeepCnn.Core.Tests.Properties;

/// <summary>Analytic == numeric for the input and every parameter of every layer, on generated shapes and values.</summary>
[Properties(MaxTest = PropertyConfig.Cases, Replay = PropertyConfig.Replay, Arbitrary = new[] { typeof(Generators) })]
public class LayerGradientProperties
{
    [Property]
    public void Conv2D_gradients_match_central_differences(ConvCase c)
    {
        var rng = new Rng(c.Seed);
        var layer = new Conv2D(c.Filters, c.Kernel, c.Stride, c.PaddingName, c.Relu ? "relu" : null) { Name = "conv" };
        layer.Build([c.InChannels, c.Height, c.Width], rng);
        Randomize(layer.Bias!.Value, rng, 0.5f);
        var x = TestData.Uniform(rng, -1, 1, c.Batch, c.InChannels, c.Height, c.Width);
        AssertPasses(GradientCheck.CheckLayer(layer, x), c.ToString());
    }

    [Property]
    public void Dense_gradients_match_central_differences(DenseCase c)
    {
        var rng = new Rng(c.Seed);
        var layer = new Dense(c.Units, c.Activation) { Name = "dense" };
        layer.Build([c.Inputs], rng);
        Randomize(layer.Bias!.Value, rng, 0.5f);
        var x = TestData.Uniform(rng, -1, 1, c.Batch, c.Inputs);
        AssertPasses(GradientCheck.CheckLayer(layer, x), $"{c}");
    }

    [Property]
    public void ReLU_gradients_match_central_differences(ImageCase c)
    {
        var rng = new Rng(c.Seed);
        var layer = new ReLU { Name = "relu" };
        layer.Build([c.Channels, c.Height, c.Width], rng);
        var x = TestData.Uniform(rng, -1, 1, c.Shape);
        AssertPasses(GradientCheck.CheckLayer(layer, x), $"{c}");
    }

    [Property]
    public void MaxPool2D_gradients_match_central_differences(PoolCase c)
    {
        var rng = new Rng(c.Image.Seed);
        var layer = new MaxPool2D(c.PoolSize, c.Stride) { Name = "pool" };
        layer.Build([c.Image.Channels, c.Image.Height, c.Image.Width], rng);
        var x = TestData.Uniform(rng, -1, 1, c.Image.Shape);
        AssertPasses(GradientCheck.CheckLayer(layer, x), $"{c}");
    }

    [Property]
    public void Flatten_gradients_match_central_differences(ImageCase c)
    {
        var rng = new Rng(c.Seed);
        var layer = new Flatten { Name = "flatten" };
        layer.Build([c.Channels, c.Height, c.Width], rng);
        var x = TestData.Uniform(rng, -1, 1, c.Shape);
        AssertPasses(GradientCheck.CheckLayer(layer, x), $"{c}");
    }

    [Property]
    public void BatchNormalization_gradients_match_central_differences_in_training(ImageCase c)
    {
        var rng = new Rng(c.Seed);
        var layer = new BatchNormalization { Name = "bn" };
        layer.Build([c.Channels, c.Height, c.Width], rng);
        Randomize(layer.Gamma.Value, rng, 0.5f, 1.5f);
        Randomize(layer.Beta.Value, rng, 0.5f);
        var x = TestData.Uniform(rng, -2, 2, c.Shape);
        AssertPasses(GradientCheck.CheckLayer(layer, x, training: true), $"{c}");
    }

    [Property]
    public void BatchNormalization_gradients_match_central_differences_in_inference(ImageCase c)
    {
        var rng = new Rng(c.Seed);
        var layer = new BatchNormalization { Name = "bn" };
        layer.Build([c.Channels, c.Height, c.Width], rng);
        Randomize(layer.Gamma.Value, rng, 0.5f, 1.5f);
        Randomize(layer.Beta.Value, rng, 0.5f);
        Randomize(layer.MovingMean.Value, rng, 0.5f);
        Randomize(layer.MovingVariance.Value, rng, 0.5f, 2f);
        var x = TestData.Uniform(rng, -2, 2, c.Shape);
        AssertPasses(GradientCheck.CheckLayer(layer, x, training: false), $"{c}");
    }

    [Property]
    public void Dropout_gradients_match_central_differences_with_a_replayed_mask(ImageCase c)
    {
        var rng = new Rng(c.Seed);
        var layer = new Dropout(0.1 + (0.5 * rng.NextDouble()), seed: c.Seed) { Name = "dropout" };
        layer.Build([c.Channels, c.Height, c.Width], rng);
        var x = TestData.Uniform(rng, -1, 1, c.Shape);
        AssertPasses(GradientCheck.CheckLayer(layer, x, training: true), $"{c}");
    }

    [Property]
    public void Softmax_cross_entropy_gradient_matches_central_differences(DenseCase c)
    {
        var rng = new Rng(c.Seed);
        int classes = Math.Max(2, c.Units);
        var logits = TestData.Uniform(rng, -3, 3, c.Batch, classes);
        var targets = TestData.OneHot(rng, c.Batch, classes);
        AssertPasses(GradientCheck.CheckSoftmaxCrossEntropy(logits, targets), $"{c}");
    }

    [Property]
    public void Categorical_crossentropy_on_probabilities_matches_central_differences(DenseCase c)
    {
        var rng = new Rng(c.Seed);
        int classes = Math.Max(2, c.Units);
        // Probabilities away from the clip bounds, unnormalized on purpose (Keras renormalizes).
        var p = TestData.Uniform(rng, 0.2f, 1f, c.Batch, classes);
        var targets = TestData.OneHot(rng, c.Batch, classes);
        AssertPasses(GradientCheck.CheckLoss(new Losses.CategoricalCrossentropy(), p, targets, new GradientCheckOptions(Step: 1e-3)), $"{c}");
    }

    internal static void AssertPasses(GradientCheckResult result, string context)
    {
        Assert.True(result.Passed, $"{context}: {result}");
        // The kink zone may skip points, never most of them: a check that skips everything proves nothing.
        Assert.True(result.SkippedAtKinks <= result.Checked, $"{context}: too many points skipped at kinks: {result}");
    }

    internal static void Randomize(Tensor t, Rng rng, float lo, float hi)
    {
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
            s[i] = rng.NextUniform(lo, hi);
    }

    internal static void Randomize(Tensor t, Rng rng, float scale) => Randomize(t, rng, -scale, scale);
}
