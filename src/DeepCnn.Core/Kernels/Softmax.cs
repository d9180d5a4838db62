using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace DeepCnn.Kernels;

/// <summary>
/// Softmax over the channel axis of [N, C, S] data (S = spatial size, 1 for vectors), numerically
/// stable: the row maximum is subtracted before exponentiation. Vectors (S = 1, a Dense layer's
/// output) are contiguous rows and run on <see cref="TensorPrimitives"/>; channel maps (S > 1) are
/// strided and run the scalar loop.
/// </summary>
public static class Softmax
{
    /// <summary>y[n,c,s] = exp(z[n,c,s] - max_c z) / sum_c exp(z[n,c,s] - max_c z).</summary>
    public static void Forward(ReadOnlySpan<float> z, Span<float> y, int batch, int channels, int spatial)
    {
        if (spatial == 1)
        {
            for (int n = 0; n < batch; n++)
            {
                var row = z.Slice(n * channels, channels);
                var outRow = y.Slice(n * channels, channels);
                TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), outRow);
                TensorPrimitives.Exp(outRow, outRow);
                TensorPrimitives.Multiply(outRow, 1f / TensorPrimitives.Sum(outRow), outRow);
            }
            return;
        }
        for (int n = 0; n < batch; n++)
            for (int s = 0; s < spatial; s++)
            {
                int start = (n * channels * spatial) + s;
                float max = float.NegativeInfinity;
                for (int c = 0; c < channels; c++)
                    max = Math.Max(max, z[start + (c * spatial)]);
                double sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    float e = MathF.Exp(z[start + (c * spatial)] - max);
                    y[start + (c * spatial)] = e;
                    sum += e;
                }
                float inv = (float)(1.0 / sum);
                for (int c = 0; c < channels; c++)
                    y[start + (c * spatial)] *= inv;
            }
    }

    /// <summary>The Jacobian-vector product: dz_c = y_c * (dy_c - sum_k dy_k * y_k).</summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dz, int batch, int channels, int spatial)
    {
        if (spatial == 1)
        {
            for (int n = 0; n < batch; n++)
            {
                var yRow = y.Slice(n * channels, channels);
                var dyRow = dy.Slice(n * channels, channels);
                var dzRow = dz.Slice(n * channels, channels);
                TensorPrimitives.Subtract(dyRow, TensorPrimitives.Dot(dyRow, yRow), dzRow);
                TensorPrimitives.Multiply(dzRow, yRow, dzRow);
            }
            return;
        }
        for (int n = 0; n < batch; n++)
            for (int s = 0; s < spatial; s++)
            {
                int start = (n * channels * spatial) + s;
                double dot = 0;
                for (int c = 0; c < channels; c++)
                    dot += dy[start + (c * spatial)] * y[start + (c * spatial)];
                for (int c = 0; c < channels; c++)
                {
                    int i = start + (c * spatial);
                    dz[i] = y[i] * (float)(dy[i] - dot);
                }
            }
    }
}
