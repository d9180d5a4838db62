using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using FsCheck.Xunit;

namespace DeepCnn.Core.Tests.Properties;

/// <summary>The im2col+GEMM Conv2D equals the nested-loop reference in every output and gradient.</summary>
[Properties(MaxTest = PropertyConfig.Cases, Replay = PropertyConfig.Replay, Arbitrary = new[] { typeof(Generators) })]
public class ConvolutionEquivalenceProperties
{
    [Property]
    public void Im2col_conv_equals_the_nested_loop_reference(ConvCase c)
    {
        var rng = new Rng(c.Seed);
        var fast = new Conv2D(c.Filters, c.Kernel, c.Stride, c.PaddingName, c.Relu ? "relu" : null) { Name = "fast" };
        fast.Build([c.InChannels, c.Height, c.Width], new Rng(c.Seed));
        var reference = new Conv2D(c.Filters, c.Kernel, c.Stride, c.PaddingName, c.Relu ? "relu" : null) { Name = "reference", Algorithm = ConvAlgorithm.Reference };
        reference.Build([c.InChannels, c.Height, c.Width], new Rng(c.Seed));
        LayerGradientProperties.Randomize(fast.Bias!.Value, rng, 0.5f);
        fast.Bias.Value.CopyTo(reference.Bias!.Value);

        var x = TestData.Uniform(rng, -1, 1, c.Batch, c.InChannels, c.Height, c.Width);
        var yFast = new Tensor([c.Batch, .. fast.OutputShape]);
        var yRef = new Tensor([c.Batch, .. reference.OutputShape]);
        fast.Forward(x, yFast, training: true);
        reference.Forward(x, yRef, training: true);
        TestData.AssertClose(yRef.Span, yFast.Span, 1e-5, 1e-5, $"{c}: y");

        var dy = TestData.Uniform(rng, -1, 1, yRef.Shape.ToArray());
        var dxFast = new Tensor(x.Shape.ToArray());
        var dxRef = new Tensor(x.Shape.ToArray());
        fast.Backward(x, yFast, dy, dxFast);
        reference.Backward(x, yRef, dy, dxRef);
        TestData.AssertClose(dxRef.Span, dxFast.Span, 1e-5, 1e-5, $"{c}: dx");
        TestData.AssertClose(reference.Kernel.Grad.Span, fast.Kernel.Grad.Span, 1e-5, 1e-5, $"{c}: dW");
        TestData.AssertClose(reference.Bias.Grad.Span, fast.Bias.Grad.Span, 1e-5, 1e-5, $"{c}: db");
    }
}
