using System.Runtime.Intrinsics;

namespace DeepCnn.Kernels.Simd;

/// <summary>
/// Dispatches the micro-kernels to the copy compiled for <see cref="SimdWidth.Current"/>.
/// The argument lists are those of <see cref="BroadcastKernel"/> and <see cref="DotKernel"/>.
/// </summary>
internal static class MicroKernels
{
    /// <summary>C[M, T] = A[M, K] * B[K, T] (+ bias, ReLU) or C += A * B; B row k at b[rowOffset[k]].</summary>
    public static void Broadcast(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> rowOffset,
        Span<float> c, int ldc, int m, int k, int t, ReadOnlySpan<float> bias, bool relu, bool accumulate)
    {
        switch (SimdWidth.Current)
        {
            case 16:
                BroadcastKernel.Run<Vector512<float>, VectorOps512>(a, lda, b, rowOffset, c, ldc, m, k, t, bias, relu, accumulate);
                break;
            case 8:
                BroadcastKernel.Run<Vector256<float>, VectorOps256>(a, lda, b, rowOffset, c, ldc, m, k, t, bias, relu, accumulate);
                break;
            case 4:
                BroadcastKernel.Run<Vector128<float>, VectorOps128>(a, lda, b, rowOffset, c, ldc, m, k, t, bias, relu, accumulate);
                break;
            default:
                BroadcastKernel.Run<float, ScalarOps>(a, lda, b, rowOffset, c, ldc, m, k, t, bias, relu, accumulate);
                break;
        }
    }

    /// <summary>C[M, N] (+)= A[M, T] * B[N, T]^T; B row n at b[rowOffset[n]].</summary>
    public static void Dot(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> rowOffset,
        Span<float> c, int ldc, int m, int n, int t, bool accumulate)
    {
        switch (SimdWidth.Current)
        {
            case 16:
                DotKernel.Run<Vector512<float>, VectorOps512>(a, lda, b, rowOffset, c, ldc, m, n, t, accumulate);
                break;
            case 8:
                DotKernel.Run<Vector256<float>, VectorOps256>(a, lda, b, rowOffset, c, ldc, m, n, t, accumulate);
                break;
            case 4:
                DotKernel.Run<Vector128<float>, VectorOps128>(a, lda, b, rowOffset, c, ldc, m, n, t, accumulate);
                break;
            default:
                DotKernel.Run<float, ScalarOps>(a, lda, b, rowOffset, c, ldc, m, n, t, accumulate);
                break;
        }
    }

    /// <summary>Row offsets of a dense row-major matrix with <paramref name="rows"/> rows of stride <paramref name="stride"/>.</summary>
    public static void DenseRows(Span<int> rowOffset, int rows, int stride)
    {
        for (int r = 0; r < rows; r++)
            rowOffset[r] = r * stride;
    }
}
