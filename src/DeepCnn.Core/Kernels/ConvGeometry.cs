namespace DeepCnn.Kernels;

/// <summary>
/// The sizes of one 2-D convolution or pooling window: input [C, H, W] per sample, a kernel of
/// kh x kw, a stride and the padding on the top/left edge (the bottom/right edge gets the rest).
/// </summary>
public readonly record struct ConvGeometry(
    int InChannels, int InHeight, int InWidth,
    int OutChannels, int KernelHeight, int KernelWidth,
    int Stride, int PadTop, int PadLeft, int OutHeight, int OutWidth)
{
    /// <summary>Rows of the im2col matrix: Cin * kh * kw.</summary>
    public int PatchSize => InChannels * KernelHeight * KernelWidth;

    /// <summary>Output pixels per channel: Hout * Wout.</summary>
    public int OutPlane => OutHeight * OutWidth;

    /// <summary>Input pixels per channel: H * W.</summary>
    public int InPlane => InHeight * InWidth;

    /// <summary>
    /// Computes the output size and padding as TensorFlow does: "valid" uses no padding and
    /// floor((in - k) / s) + 1; "same" gives ceil(in / s) with total padding
    /// max((out - 1) * s + k - in, 0), split so the extra row/column goes to the bottom/right.
    /// </summary>
    public static ConvGeometry Create(int inChannels, int inHeight, int inWidth, int outChannels,
        int kernelHeight, int kernelWidth, int stride, Padding padding)
    {
        if (stride < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), $"Stride must be at least 1, got {stride}.");
        (int outH, int padTop) = Axis(inHeight, kernelHeight, stride, padding);
        (int outW, int padLeft) = Axis(inWidth, kernelWidth, stride, padding);
        return new ConvGeometry(inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth,
            stride, padTop, padLeft, outH, outW);
    }

    private static (int Out, int PadBefore) Axis(int size, int kernel, int stride, Padding padding)
    {
        if (padding == Padding.Valid)
            return (size >= kernel ? ((size - kernel) / stride) + 1 : 0, 0);
        int outSize = (size + stride - 1) / stride;
        int total = Math.Max(((outSize - 1) * stride) + kernel - size, 0);
        return (outSize, total / 2);
    }
}

/// <summary>How a convolution treats the border, as in Keras.</summary>
public enum Padding
{
    /// <summary>No padding: the output shrinks by kernel - 1 (at stride 1).</summary>
    Valid,

    /// <summary>Zero padding so that the output is ceil(input / stride).</summary>
    Same,
}
