using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepCnn.Kernels.Simd;

/// <summary>
/// The register-blocked "broadcast A" GEMM micro-kernel: C[M, T] = A[M, K] * B[K, T] (+ bias,
/// optional ReLU, or += into C). Every k broadcasts 4 entries of A and loads 4 vectors of row k of
/// B, feeding 16 independent FMA chains (enough to hide FMA latency on two pipes).
/// </summary>
/// <remarks>
/// B is addressed through <c>rowOffset</c>: row k starts at b[rowOffset[k]]. For an explicit
/// matrix that is k * ldb; for a direct (implicit-im2col) convolution it is the shifted start of an
/// input plane, c * planeStride + p * paddedWidth + q, so the same kernel runs the convolution
/// without materializing im2col. Columns up to the last multiple of the vector width are loaded
/// as whole vectors; the caller guarantees b is readable at rowOffset[k] + [0, T rounded up to
/// the width) whenever it passes a T that is a multiple of the width, and the scalar tail covers
/// the rest otherwise.
/// </remarks>
internal static class BroadcastKernel
{
    /// <summary>Runs the kernel with vector type <typeparamref name="TVec"/>. See the class remarks for the layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TVec, TOps>(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> rowOffset,
        Span<float> c, int ldc, int m, int k, int t, ReadOnlySpan<float> bias, bool relu, bool accumulate)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        int width = TOps.Width;
        int vectorEnd = t - (t % width);
        int block = 4 * width;
        int j = 0;
        // Column blocks outermost: the B panel (K rows x 4 vectors) stays in L1 while every row block of A uses it.
        for (; j + block <= vectorEnd; j += block)
        {
            int i = 0;
            for (; i + 4 <= m; i += 4)
                Block4x4<TVec, TOps>(a, lda, b, rowOffset, c, ldc, i, j, k, bias, relu, accumulate);
            for (; i < m; i++)
                Block1xN<TVec, TOps>(a, lda, b, rowOffset, c, ldc, i, j, k, 4, bias, relu, accumulate);
        }
        for (; j < vectorEnd; j += width)
            for (int i = 0; i < m; i++)
                Block1xN<TVec, TOps>(a, lda, b, rowOffset, c, ldc, i, j, k, 1, bias, relu, accumulate);
        for (; j < t; j++)
            for (int i = 0; i < m; i++)
                ScalarEntry(a, lda, b, rowOffset, c, ldc, i, j, k, bias, relu, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x4<TVec, TOps>(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> rowOffset,
        Span<float> c, int ldc, int i, int j, int k, ReadOnlySpan<float> bias, bool relu, bool accumulate)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        nint w = TOps.Width;
        ref float a0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i * lda);
        ref float a1 = ref Unsafe.Add(ref a0, lda);
        ref float a2 = ref Unsafe.Add(ref a1, lda);
        ref float a3 = ref Unsafe.Add(ref a2, lda);
        ref float bRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(b), j);
        ref int off = ref MemoryMarshal.GetReference(rowOffset);
        ref float c0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(c), (i * ldc) + j);
        ref float c1 = ref Unsafe.Add(ref c0, ldc);
        ref float c2 = ref Unsafe.Add(ref c1, ldc);
        ref float c3 = ref Unsafe.Add(ref c2, ldc);

        TVec s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33;
        if (accumulate)
        {
            s00 = TOps.Load(ref c0, 0); s01 = TOps.Load(ref c0, w); s02 = TOps.Load(ref c0, 2 * w); s03 = TOps.Load(ref c0, 3 * w);
            s10 = TOps.Load(ref c1, 0); s11 = TOps.Load(ref c1, w); s12 = TOps.Load(ref c1, 2 * w); s13 = TOps.Load(ref c1, 3 * w);
            s20 = TOps.Load(ref c2, 0); s21 = TOps.Load(ref c2, w); s22 = TOps.Load(ref c2, 2 * w); s23 = TOps.Load(ref c2, 3 * w);
            s30 = TOps.Load(ref c3, 0); s31 = TOps.Load(ref c3, w); s32 = TOps.Load(ref c3, 2 * w); s33 = TOps.Load(ref c3, 3 * w);
        }
        else
        {
            TVec b0 = bias.IsEmpty ? TOps.Zero : TOps.Broadcast(bias[i]);
            TVec b1 = bias.IsEmpty ? TOps.Zero : TOps.Broadcast(bias[i + 1]);
            TVec b2 = bias.IsEmpty ? TOps.Zero : TOps.Broadcast(bias[i + 2]);
            TVec b3 = bias.IsEmpty ? TOps.Zero : TOps.Broadcast(bias[i + 3]);
            s00 = b0; s01 = b0; s02 = b0; s03 = b0;
            s10 = b1; s11 = b1; s12 = b1; s13 = b1;
            s20 = b2; s21 = b2; s22 = b2; s23 = b2;
            s30 = b3; s31 = b3; s32 = b3; s33 = b3;
        }

        for (nint p = 0; p < k; p++)
        {
            ref float row = ref Unsafe.Add(ref bRef, Unsafe.Add(ref off, p));
            TVec x0 = TOps.Load(ref row, 0);
            TVec x1 = TOps.Load(ref row, w);
            TVec x2 = TOps.Load(ref row, 2 * w);
            TVec x3 = TOps.Load(ref row, 3 * w);
            TVec w0 = TOps.Broadcast(Unsafe.Add(ref a0, p));
            s00 = TOps.MultiplyAdd(w0, x0, s00); s01 = TOps.MultiplyAdd(w0, x1, s01); s02 = TOps.MultiplyAdd(w0, x2, s02); s03 = TOps.MultiplyAdd(w0, x3, s03);
            TVec w1 = TOps.Broadcast(Unsafe.Add(ref a1, p));
            s10 = TOps.MultiplyAdd(w1, x0, s10); s11 = TOps.MultiplyAdd(w1, x1, s11); s12 = TOps.MultiplyAdd(w1, x2, s12); s13 = TOps.MultiplyAdd(w1, x3, s13);
            TVec w2 = TOps.Broadcast(Unsafe.Add(ref a2, p));
            s20 = TOps.MultiplyAdd(w2, x0, s20); s21 = TOps.MultiplyAdd(w2, x1, s21); s22 = TOps.MultiplyAdd(w2, x2, s22); s23 = TOps.MultiplyAdd(w2, x3, s23);
            TVec w3 = TOps.Broadcast(Unsafe.Add(ref a3, p));
            s30 = TOps.MultiplyAdd(w3, x0, s30); s31 = TOps.MultiplyAdd(w3, x1, s31); s32 = TOps.MultiplyAdd(w3, x2, s32); s33 = TOps.MultiplyAdd(w3, x3, s33);
        }

        if (relu)
        {
            s00 = TOps.Relu(s00); s01 = TOps.Relu(s01); s02 = TOps.Relu(s02); s03 = TOps.Relu(s03);
            s10 = TOps.Relu(s10); s11 = TOps.Relu(s11); s12 = TOps.Relu(s12); s13 = TOps.Relu(s13);
            s20 = TOps.Relu(s20); s21 = TOps.Relu(s21); s22 = TOps.Relu(s22); s23 = TOps.Relu(s23);
            s30 = TOps.Relu(s30); s31 = TOps.Relu(s31); s32 = TOps.Relu(s32); s33 = TOps.Relu(s33);
        }
        TOps.Store(s00, ref c0, 0); TOps.Store(s01, ref c0, w); TOps.Store(s02, ref c0, 2 * w); TOps.Store(s03, ref c0, 3 * w);
        TOps.Store(s10, ref c1, 0); TOps.Store(s11, ref c1, w); TOps.Store(s12, ref c1, 2 * w); TOps.Store(s13, ref c1, 3 * w);
        TOps.Store(s20, ref c2, 0); TOps.Store(s21, ref c2, w); TOps.Store(s22, ref c2, 2 * w); TOps.Store(s23, ref c2, 3 * w);
        TOps.Store(s30, ref c3, 0); TOps.Store(s31, ref c3, w); TOps.Store(s32, ref c3, 2 * w); TOps.Store(s33, ref c3, 3 * w);
    }

    // One row of C over `vectors` (1..4) vectors: the row and column remainders.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block1xN<TVec, TOps>(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> rowOffset,
        Span<float> c, int ldc, int i, int j, int k, int vectors, ReadOnlySpan<float> bias, bool relu, bool accumulate)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        nint w = TOps.Width;
        ref float aRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i * lda);
        ref float bRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(b), j);
        ref int off = ref MemoryMarshal.GetReference(rowOffset);
        ref float cRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(c), (i * ldc) + j);
        for (nint v = 0; v < vectors; v++)
        {
            TVec s = accumulate ? TOps.Load(ref cRow, v * w) : bias.IsEmpty ? TOps.Zero : TOps.Broadcast(bias[i]);
            for (nint p = 0; p < k; p++)
                s = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref aRow, p)), TOps.Load(ref Unsafe.Add(ref bRef, Unsafe.Add(ref off, p)), v * w), s);
            TOps.Store(relu ? TOps.Relu(s) : s, ref cRow, v * w);
        }
    }

    private static void ScalarEntry(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> rowOffset,
        Span<float> c, int ldc, int i, int j, int k, ReadOnlySpan<float> bias, bool relu, bool accumulate)
    {
        float s = accumulate ? c[(i * ldc) + j] : bias.IsEmpty ? 0f : bias[i];
        for (int p = 0; p < k; p++)
            s += a[(i * lda) + p] * b[rowOffset[p] + j];
        c[(i * ldc) + j] = relu && s < 0f ? 0f : s;
    }
}
