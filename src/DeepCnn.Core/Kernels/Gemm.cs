using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace DeepCnn.Kernels;

/// <summary>
/// Row-major single-precision matrix products, the workhorse of Conv2D (via im2col) and Dense.
/// Each inner loop runs along a contiguous row through <see cref="TensorPrimitives"/>, so it is
/// vectorized on any hardware. When <c>accumulate</c> is false the destination is overwritten.
/// </summary>
public static class Gemm
{
    /// <summary>C[M,N] (+)= A[M,K] * B[K,N].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            var cRow = c.Slice(i * n, n);
            if (!accumulate)
                cRow.Clear();
            var aRow = a.Slice(i * k, k);
            for (int p = 0; p < k; p++)
            {
                float aip = aRow[p];
                if (aip != 0f)
                    TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), aip, cRow, cRow);
            }
        }
    }

    /// <summary>C[M,N] (+)= A[M,K] * B[N,K]^T: every entry is a dot product of two rows.</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            var aRow = a.Slice(i * k, k);
            var cRow = c.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                float dot = TensorPrimitives.Dot(aRow, b.Slice(j * k, k));
                cRow[j] = accumulate ? cRow[j] + dot : dot;
            }
        }
    }

    /// <summary>C[M,N] (+)= A[K,M]^T * B[K,N].</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        if (!accumulate)
            c[..(m * n)].Clear();
        for (int p = 0; p < k; p++)
        {
            var bRow = b.Slice(p * n, n);
            var aRow = a.Slice(p * m, m);
            for (int i = 0; i < m; i++)
            {
                float api = aRow[i];
                if (api != 0f)
                {
                    var cRow = c.Slice(i * n, n);
                    TensorPrimitives.MultiplyAdd(bRow, api, cRow, cRow);
                }
            }
        }
    }
}
