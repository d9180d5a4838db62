using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Diagnostics;

public class ResidualTests
{
    [Fact]
    public void A_zero_initialized_block_is_the_identity_at_initialization()
    {
        var block = Residual.PreActivation(4);
        block.Name = "res";
        block.Build([4, 6, 6], new Rng(1));
        var x = TestData.Uniform(new Rng(2), -1, 1, 3, 4, 6, 6);
        var y = new Tensor(3, 4, 6, 6);
        block.Forward(x, y, training: true);
        Assert.Equal(x.ToArray(), y.ToArray());
    }

    [Fact]
    public void Summary_shows_a_block_as_one_row_like_a_nested_keras_model()
    {
        var model = new Sequential();
        model.Add(new Conv2D(4, 3, padding: "same", inputShape: [8, 8, 1]));
        model.Add(Residual.PreActivation(4));
        var summary = model.Summary();
        // 2 x BatchNorm(4) = 32 (16 non-trainable) + 2 x Conv 4->4 3x3 = 296.
        Assert.Contains("residual (Residual)          (None, 8, 8, 4)           328       ", summary, StringComparison.Ordinal);
        Assert.Equal(16, model.NonTrainableParameters);
        Assert.Contains(model.Parameters, p => p.Name == "conv2d_1/kernel");
    }

    [Fact]
    public void A_branch_that_changes_the_shape_fails_at_build_naming_both_shapes()
    {
        var model = new Sequential();
        model.Add(new Conv2D(4, 3, padding: "same", inputShape: [8, 8, 1]));
        model.Add(new Residual([new Conv2D(8, 3, padding: "same")]));
        var e = Assert.Throws<ShapeMismatchException>(() => model.Build());
        Assert.Contains("Layer 1 'residual' (Residual)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 8, 8, 8)", e.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 8, 8, 4)", e.Message, StringComparison.Ordinal);
    }
}
