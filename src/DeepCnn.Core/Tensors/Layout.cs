namespace DeepCnn.Tensors;

/// <summary>Conversions between channels-last (NHWC, Keras) and channels-first (NCHW, DeepCnn) layouts.</summary>
public static class Layout
{
    /// <summary>dst[n, c, h, w] = src[n, h, w, c].</summary>
    public static void NhwcToNchw(ReadOnlySpan<float> src, Span<float> dst, int n, int h, int w, int c)
    {
        int plane = h * w;
        for (int b = 0; b < n; b++)
        {
            var s = src.Slice(b * plane * c, plane * c);
            var d = dst.Slice(b * plane * c, plane * c);
            for (int p = 0; p < plane; p++)
                for (int ch = 0; ch < c; ch++)
                    d[(ch * plane) + p] = s[(p * c) + ch];
        }
    }

    /// <summary>dst[n, h, w, c] = src[n, c, h, w].</summary>
    public static void NchwToNhwc(ReadOnlySpan<float> src, Span<float> dst, int n, int c, int h, int w)
    {
        int plane = h * w;
        for (int b = 0; b < n; b++)
        {
            var s = src.Slice(b * plane * c, plane * c);
            var d = dst.Slice(b * plane * c, plane * c);
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < plane; p++)
                    d[(p * c) + ch] = s[(ch * plane) + p];
        }
    }
}
