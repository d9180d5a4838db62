using DeepCnn.Kernels.Simd;

namespace DeepCnn.Kernels;

/// <summary>
/// Row-major single-precision matrix products on the register-blocked micro-kernels
/// (<see cref="BroadcastKernel"/>, <see cref="DotKernel"/>) at the widest accelerated vector
/// width. Used by Dense; Conv2D calls the micro-kernels directly with its implicit im2col rows.
/// When <c>accumulate</c> is false the destination is overwritten. Allocation-free after the first
/// call on a thread (its scratch buffers only grow).
/// </summary>
public static class Gemm
{
    /// <summary>C[M,N] (+)= A[M,K] * B[K,N].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        Require(a, m * k, b, k * n, c, m * n);
        var rows = ThreadScratch.GetRows(k);
        MicroKernels.DenseRows(rows, k, n);
        MicroKernels.Broadcast(a, k, b, rows, c, n, m, k, n, default, relu: false, accumulate);
    }

    /// <summary>C[M,N] (+)= A[M,K] * B[N,K]^T: every entry is a dot product of two rows.</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        Require(a, m * k, b, n * k, c, m * n);
        var rows = ThreadScratch.GetRows(n);
        MicroKernels.DenseRows(rows, n, k);
        MicroKernels.Dot(a, k, b, rows, c, n, m, n, k, accumulate);
    }

    /// <summary>C[M,N] (+)= A[K,M]^T * B[K,N]. A is transposed into scratch first (it is the small operand in Dense's dW = x^T dz).</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate)
    {
        Require(a, k * m, b, k * n, c, m * n);
        var at = ThreadScratch.Get(ScratchSlot.Transposed, m * k);
        for (int p = 0; p < k; p++)
            for (int i = 0; i < m; i++)
                at[(i * k) + p] = a[(p * m) + i];
        var rows = ThreadScratch.GetRows(k);
        MicroKernels.DenseRows(rows, k, n);
        MicroKernels.Broadcast(at, k, b, rows, c, n, m, k, n, default, relu: false, accumulate);
    }

    // The micro-kernels do not bounds-check their loads, so the spans are checked here, once per call.
    private static void Require(ReadOnlySpan<float> a, int aLength, ReadOnlySpan<float> b, int bLength, Span<float> c, int cLength)
    {
        if (a.Length < aLength || b.Length < bLength || c.Length < cLength)
            throw new ArgumentException($"GEMM operands are too short: A {a.Length} < {aLength}, B {b.Length} < {bLength} or C {c.Length} < {cLength}.");
    }
}
