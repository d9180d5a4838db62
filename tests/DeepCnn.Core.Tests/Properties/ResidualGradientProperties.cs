using DeepCnn.Checking;
using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using FsCheck.Xunit;

namespace DeepCnn.Core.Tests.Properties;

/// <summary>Residual blocks pass the same gradient checks as every layer: plain, nested, around BatchNorm and Dropout.</summary>
[Properties(MaxTest = PropertyConfig.Cases, Replay = PropertyConfig.Replay, Arbitrary = new[] { typeof(Generators) })]
public class ResidualGradientProperties
{
    [Property]
    public void A_residual_conv_block_passes_the_gradient_check(ImageCase c)
    {
        var rng = new Rng(c.Seed);
        var block = new Residual([new Conv2D(c.Channels, 3, padding: "same", activation: "relu"), new Conv2D(c.Channels, 1)]) { Name = "res" };
        block.Build([c.Channels, c.Height, c.Width], rng);
        var x = TestData.Uniform(rng, -1, 1, c.Shape);
        LayerGradientProperties.AssertPasses(GradientCheck.CheckLayer(block, x), $"{c}");
    }

    [Property]
    public void A_pre_activation_block_around_batchnorm_passes_the_gradient_check(ImageCase c)
    {
        var rng = new Rng(c.Seed);
        // Without the zero init, so that the branch contributes to the gradient being checked.
        var block = Residual.PreActivation(c.Channels, zeroInitLastNorm: false);
        block.Name = "res";
        block.Build([c.Channels, c.Height, c.Width], rng);
        var x = TestData.Uniform(rng, -2, 2, c.Batch + 2, c.Channels, c.Height, c.Width);
        LayerGradientProperties.AssertPasses(GradientCheck.CheckLayer(block, x, options: LayerGradientProperties.Composite), $"{c}", LayerGradientProperties.CompositeMinChecked);
    }

    [Property]
    public void Nested_residuals_with_dropout_pass_the_gradient_check(ImageCase c)
    {
        var rng = new Rng(c.Seed);
        var inner = new Residual([new Dense(c.Channels + 2, "relu"), new Dropout(0.3), new Dense(c.Channels * c.Width)]);
        var outer = new Residual([new BatchNormalization(), inner, new Dropout(0.2), new Dense(c.Channels * c.Width)]) { Name = "outer" };
        outer.Build([c.Channels * c.Width], rng);
        var x = TestData.Uniform(rng, -2, 2, c.Batch + 4, c.Channels * c.Width);
        LayerGradientProperties.AssertPasses(GradientCheck.CheckLayer(outer, x, options: LayerGradientProperties.Composite), $"{c}", LayerGradientProperties.CompositeMinChecked);
    }

    [Property]
    public void A_sequential_with_residual_blocks_passes_the_gradient_check(ImageCase c)
    {
        int size = Math.Max(3, c.Height);
        var model = new Sequential(seed: c.Seed);
        model.Add(new Conv2D(3, 3, padding: "same", activation: "relu", inputShape: [size, size, 1]));
        model.Add(Residual.PreActivation(3, zeroInitLastNorm: false));
        model.Add(Residual.PreActivation(3, zeroInitLastNorm: false));
        model.Add(new MaxPool2D(2));
        model.Add(new Flatten());
        model.Add(new Dense(4, "softmax"));
        model.Compile();
        var rng = new Rng(c.Seed);
        var x = TestData.Uniform(rng, -1, 1, c.Batch + 1, 1, size, size);
        var y = TestData.OneHot(rng, c.Batch + 1, 4);
        LayerGradientProperties.AssertPasses(GradientCheck.CheckModel(model, x, y, LayerGradientProperties.ModelLevel), $"{c}", LayerGradientProperties.CompositeMinChecked);
    }
}
