using DeepCnn.Core.Tests.Properties;
using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using FsCheck.Xunit;
using Xunit;

namespace DeepCnn.Core.Tests.KernelTests;

/// <summary>
/// The direct and the im2col Conv2D equal the nested-loop reference in y, dx, dW and db on
/// generated shapes (odd sizes, 1x1 to 9x9, stride 1 and 2, with and without fused ReLU), at every
/// register width. The tolerance covers float rounding: the fast paths sum in another order and use FMA.
/// </summary>
[Properties(MaxTest = PropertyConfig.Cases, Replay = PropertyConfig.Replay, Arbitrary = new[] { typeof(Generators) })]
public class FastConvolutionProperties
{
    [Property]
    public void Direct_and_im2col_equal_the_reference_at_every_vector_width(ConvCase c)
    {
        foreach (int width in ForcedWidth.All)
            foreach (var algorithm in new[] { ConvAlgorithm.Direct, ConvAlgorithm.Im2Col })
                ForcedWidth.Run(width, () => AssertMatchesReference(c, algorithm, $"{c}, {algorithm}, width {width}"));
    }

    [Theory]
    [InlineData(4, 4, 26, "same")]
    [InlineData(16, 16, 26, "valid")]
    [InlineData(16, 4, 26, "same")]
    [InlineData(4, 16, 26, "valid")]
    [InlineData(1, 16, 28, "valid")]
    [InlineData(3, 5, 11, "same")]
    public void Notebook_shapes_equal_the_reference_at_every_vector_width(int cin, int cout, int size, string padding)
    {
        var c = new ConvCase(3, cin, size, size, cout, 3, 1, padding == "same" ? DeepCnn.Kernels.Padding.Same : DeepCnn.Kernels.Padding.Valid, true, 7);
        foreach (int width in ForcedWidth.All)
            foreach (var algorithm in new[] { ConvAlgorithm.Direct, ConvAlgorithm.Im2Col })
                ForcedWidth.Run(width, () => AssertMatchesReference(c, algorithm, $"{c}, {algorithm}, width {width}"));
    }

    private static void AssertMatchesReference(ConvCase c, ConvAlgorithm algorithm, string context)
    {
        var rng = new Rng(c.Seed);
        string? activation = c.Relu ? "relu" : null;
        var fast = new Conv2D(c.Filters, c.Kernel, c.Stride, c.PaddingName, activation) { Name = "fast", Algorithm = algorithm };
        fast.Build([c.InChannels, c.Height, c.Width], new Rng(c.Seed));
        var reference = new Conv2D(c.Filters, c.Kernel, c.Stride, c.PaddingName, activation) { Name = "reference", Algorithm = ConvAlgorithm.Reference };
        reference.Build([c.InChannels, c.Height, c.Width], new Rng(c.Seed));
        LayerGradientProperties.Randomize(fast.Bias!.Value, rng, 0.5f);
        fast.Bias.Value.CopyTo(reference.Bias!.Value);

        var x = TestData.Uniform(rng, -1, 1, c.Batch, c.InChannels, c.Height, c.Width);
        var yFast = new Tensor([c.Batch, .. fast.OutputShape]);
        var yRef = new Tensor([c.Batch, .. reference.OutputShape]);
        fast.Forward(x, yFast, training: true);
        reference.Forward(x, yRef, training: true);
        double tolerance = 1e-5 * Math.Sqrt(c.InChannels * c.Kernel * c.Kernel);
        TestData.AssertClose(yRef.Span, yFast.Span, tolerance, tolerance, $"{context}: y");

        var dy = TestData.Uniform(rng, -1, 1, yRef.Shape.ToArray());
        var dxFast = TestData.Uniform(rng, -1, 1, x.Shape.ToArray()); // garbage: backward must overwrite dx
        var dxRef = new Tensor(x.Shape.ToArray());
        LayerGradientProperties.Randomize(fast.Kernel.Grad, rng, 1f); // and add into the gradients
        fast.Kernel.Grad.CopyTo(reference.Kernel.Grad);
        fast.Backward(x, yFast, dy, dxFast);
        reference.Backward(x, yRef, dy, dxRef);
        double gradTolerance = 1e-5 * Math.Sqrt(c.Batch * c.Height * c.Width * c.Filters);
        TestData.AssertClose(dxRef.Span, dxFast.Span, tolerance, tolerance, $"{context}: dx");
        TestData.AssertClose(reference.Kernel.Grad.Span, fast.Kernel.Grad.Span, gradTolerance, gradTolerance, $"{context}: dW");
        TestData.AssertClose(reference.Bias.Grad.Span, fast.Bias.Grad.Span, gradTolerance, gradTolerance, $"{context}: db");
    }
}
