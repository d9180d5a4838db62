namespace DeepCnn.Kernels;

/// <summary>
/// Unrolls one image's receptive fields into a matrix so that a convolution becomes a GEMM
/// (Caffe's im2col.cpp). col has shape [Cin*kh*kw, Hout*Wout]: row (c, p, q) holds, for every
/// output pixel, the input value under kernel tap (p, q) of channel c, or 0 in the padding.
/// </summary>
public static class Im2Col
{
    /// <summary>x [Cin, H, W] to col [Cin*kh*kw, Hout*Wout].</summary>
    public static void Pack(ReadOnlySpan<float> x, Span<float> col, in ConvGeometry g)
    {
        int row = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            var plane = x.Slice(c * g.InPlane, g.InPlane);
            for (int p = 0; p < g.KernelHeight; p++)
                for (int q = 0; q < g.KernelWidth; q++, row++)
                {
                    var dst = col.Slice(row * g.OutPlane, g.OutPlane);
                    for (int i = 0; i < g.OutHeight; i++)
                    {
                        int ih = (i * g.Stride) + p - g.PadTop;
                        var dstRow = dst.Slice(i * g.OutWidth, g.OutWidth);
                        if (ih < 0 || ih >= g.InHeight)
                        {
                            dstRow.Clear();
                            continue;
                        }
                        var srcRow = plane.Slice(ih * g.InWidth, g.InWidth);
                        for (int j = 0; j < g.OutWidth; j++)
                        {
                            int iw = (j * g.Stride) + q - g.PadLeft;
                            dstRow[j] = iw >= 0 && iw < g.InWidth ? srcRow[iw] : 0f;
                        }
                    }
                }
        }
    }

    /// <summary>The adjoint of <see cref="Pack"/> (col2im): dx [Cin, H, W] = sum of col entries over the taps that read each pixel. Overwrites dx.</summary>
    public static void Unpack(ReadOnlySpan<float> col, Span<float> dx, in ConvGeometry g)
    {
        dx[..(g.InChannels * g.InPlane)].Clear();
        int row = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            var plane = dx.Slice(c * g.InPlane, g.InPlane);
            for (int p = 0; p < g.KernelHeight; p++)
                for (int q = 0; q < g.KernelWidth; q++, row++)
                {
                    var src = col.Slice(row * g.OutPlane, g.OutPlane);
                    for (int i = 0; i < g.OutHeight; i++)
                    {
                        int ih = (i * g.Stride) + p - g.PadTop;
                        if (ih < 0 || ih >= g.InHeight)
                            continue;
                        var dstRow = plane.Slice(ih * g.InWidth, g.InWidth);
                        var srcRow = src.Slice(i * g.OutWidth, g.OutWidth);
                        for (int j = 0; j < g.OutWidth; j++)
                        {
                            int iw = (j * g.Stride) + q - g.PadLeft;
                            if (iw >= 0 && iw < g.InWidth)
                                dstRow[iw] += srcRow[j];
                        }
                    }
                }
        }
    }
}
