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

    internal static void AssertPasses(GradientCheckResult result, string context, double minCheckedFraction = 0.5)
    {
        Assert.True(result.Passed, $"{context}: {result}");
        // The kink zone may skip points, never most of them: a check that skips everything proves nothing.
        Assert.True(result.Checked >= minCheckedFraction * (result.Checked + result.SkippedAtKinks), $"{context}: too many points skipped at kinks: {result}");
    }

    /// <summary>
    /// For networks with BatchNorm inside: a perturbed input moves every output of its channel by
    /// about h/m, far below float32's resolution of those outputs, so the central difference carries
    /// rounding noise of up to about 1% (measured: it grows as h shrinks, so it is not truncation
    /// error). Such composites are held to 1.5e-2 at h = 1e-2; every layer on its own, BatchNorm
    /// included, is held to the default 2e-3. BatchNorm also couples every sample, so a step moves
    /// every ReLU after it a little and more points sit near some kink: at least a quarter of them
    /// must still be checked (without retrying at a smaller step, which would only add noise).
    /// </summary>
    internal static readonly GradientCheckOptions Composite = new(Step: 1e-2, Threshold: 1.5e-2, ShrinkAtKinks: false);

    internal const double CompositeMinChecked = 0.25;

    /// <summary>
    /// For whole models the objective is the loss itself (about 1, not a sum over every output), so
    /// rounding noise is small and a small step keeps points away from the many kinks that
    /// BatchNorm's coupling puts near every point; rounding at that step allows 5e-3. A half-step
    /// estimate confirms each point, so a step that crosses kinks and returns to the same on/off
    /// pattern (it happens in deep stacks) is skipped rather than misjudged.
    /// </summary>
    internal static readonly GradientCheckOptions ModelLevel = new(Step: 3e-3, Threshold: 5e-3, ShrinkAtKinks: false, ConfirmWithHalfStep: true);

    internal static void Randomize(Tensor t, Rng rng, float lo, float hi)
    {
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
            s[i] = rng.NextUniform(lo, hi);
    }

    internal static void Randomize(Tensor t, Rng rng, float scale) => Randomize(t, rng, -scale, scale);
}
