namespace DeepCnn.Kernels;

/// <summary>
/// The plain nested-loop convolution: obviously correct, slow, and the truth that the tests hold
/// every faster path to. Cross-correlation as in Keras and PyTorch.
/// Shapes: x [N, Cin, H, W], w [Cout, Cin, kh, kw], b [Cout], y [N, Cout, Hout, Wout].
/// </summary>
public static class Conv2DReference
{
    /// <summary>y[n,o,i,j] = b[o] + sum_{c,p,q} x[n, c, i*s + p - padTop, j*s + q - padLeft] * w[o,c,p,q].</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> y, int batch, in ConvGeometry g)
    {
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < g.OutChannels; o++)
                for (int i = 0; i < g.OutHeight; i++)
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        float sum = b.IsEmpty ? 0f : b[o];
                        for (int c = 0; c < g.InChannels; c++)
                            for (int p = 0; p < g.KernelHeight; p++)
                                for (int q = 0; q < g.KernelWidth; q++)
                                {
                                    int ih = (i * g.Stride) + p - g.PadTop;
                                    int iw = (j * g.Stride) + q - g.PadLeft;
                                    if (ih >= 0 && ih < g.InHeight && iw >= 0 && iw < g.InWidth)
                                        sum += x[XIndex(n, c, ih, iw, g)] * w[WIndex(o, c, p, q, g)];
                                }
                        y[YIndex(n, o, i, j, g)] = sum;
                    }
    }

    /// <summary>dx[n,c,ih,iw] = sum over every (o,i,j,p,q) that read x[n,c,ih,iw] of dy[n,o,i,j] * w[o,c,p,q]. Overwrites dx.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx, int batch, in ConvGeometry g)
    {
        dx[..(batch * g.InChannels * g.InPlane)].Clear();
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < g.OutChannels; o++)
                for (int i = 0; i < g.OutHeight; i++)
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        float d = dy[YIndex(n, o, i, j, g)];
                        for (int c = 0; c < g.InChannels; c++)
                            for (int p = 0; p < g.KernelHeight; p++)
                                for (int q = 0; q < g.KernelWidth; q++)
                                {
                                    int ih = (i * g.Stride) + p - g.PadTop;
                                    int iw = (j * g.Stride) + q - g.PadLeft;
                                    if (ih >= 0 && ih < g.InHeight && iw >= 0 && iw < g.InWidth)
                                        dx[XIndex(n, c, ih, iw, g)] += d * w[WIndex(o, c, p, q, g)];
                                }
                    }
    }

    /// <summary>dw[o,c,p,q] += sum_{n,i,j} dy[n,o,i,j] * x[n,c,i*s+p-padTop,j*s+q-padLeft]; db[o] += sum_{n,i,j} dy[n,o,i,j]. Accumulates.</summary>
    public static void BackwardWeights(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, Span<float> db,
        int batch, in ConvGeometry g)
    {
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < g.OutChannels; o++)
                for (int i = 0; i < g.OutHeight; i++)
                    for (int j = 0; j < g.OutWidth; j++)
                    {
                        float d = dy[YIndex(n, o, i, j, g)];
                        if (!db.IsEmpty)
                            db[o] += d;
                        for (int c = 0; c < g.InChannels; c++)
                            for (int p = 0; p < g.KernelHeight; p++)
                                for (int q = 0; q < g.KernelWidth; q++)
                                {
                                    int ih = (i * g.Stride) + p - g.PadTop;
                                    int iw = (j * g.Stride) + q - g.PadLeft;
                                    if (ih >= 0 && ih < g.InHeight && iw >= 0 && iw < g.InWidth)
                                        dw[WIndex(o, c, p, q, g)] += d * x[XIndex(n, c, ih, iw, g)];
                                }
                    }
    }

    private static int XIndex(int n, int c, int h, int w, in ConvGeometry g) => (((((n * g.InChannels) + c) * g.InHeight) + h) * g.InWidth) + w;

    private static int YIndex(int n, int o, int i, int j, in ConvGeometry g) => (((((n * g.OutChannels) + o) * g.OutHeight) + i) * g.OutWidth) + j;

    private static int WIndex(int o, int c, int p, int q, in ConvGeometry g) => (((((o * g.InChannels) + c) * g.KernelHeight) + p) * g.KernelWidth) + q;
}
