using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepCnn.Kernels.Simd;

/// <summary>
/// The register-blocked "dot product" GEMM micro-kernel: C[M, N] (+)= A[M, T] * B[N, T]^T, every
/// entry a dot product along T. A 4x4 block of C keeps 16 vector accumulators; each step along T
/// loads 4 vectors of A and 4 of B for 16 FMAs, and the lanes are summed once at the end.
/// </summary>
/// <remarks>
/// This is the weight gradient of a convolution (A = dz [Cout, pixels], B = im2col rows, explicit
/// or implicit through <c>rowOffset</c>: row n of B starts at b[rowOffset[n]]) and Dense's input
/// gradient. T is consumed in whole vectors up to its last multiple of the width, then by a scalar
/// tail, so callers that pad T with zeros in A to a multiple of the width skip the tail. The
/// summation order depends only on T and the width, never on threads.
/// </remarks>
internal static class DotKernel
{
    /// <summary>Runs the kernel with vector type <typeparamref name="TVec"/>. See the class remarks for the layout.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TVec, TOps>(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> rowOffset,
        Span<float> c, int ldc, int m, int n, int t, bool accumulate)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            int j = 0;
            for (; j + 4 <= n; j += 4)
                Block4x4<TVec, TOps>(a, lda, b, rowOffset, c, ldc, i, j, t, accumulate);
            for (; j < n; j++)
                for (int r = i; r < i + 4; r++)
                    Entry<TVec, TOps>(a, lda, b, rowOffset, c, ldc, r, j, t, accumulate);
        }
        for (; i < m; i++)
            for (int j = 0; j < n; j++)
                Entry<TVec, TOps>(a, lda, b, rowOffset, c, ldc, i, j, t, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x4<TVec, TOps>(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> rowOffset,
        Span<float> c, int ldc, int i, int j, int t, bool accumulate)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        int width = TOps.Width;
        nint vectorEnd = t - (t % width);
        ref float a0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i * lda);
        ref float a1 = ref Unsafe.Add(ref a0, lda);
        ref float a2 = ref Unsafe.Add(ref a1, lda);
        ref float a3 = ref Unsafe.Add(ref a2, lda);
        ref float bBase = ref MemoryMarshal.GetReference(b);
        ref float b0 = ref Unsafe.Add(ref bBase, rowOffset[j]);
        ref float b1 = ref Unsafe.Add(ref bBase, rowOffset[j + 1]);
        ref float b2 = ref Unsafe.Add(ref bBase, rowOffset[j + 2]);
        ref float b3 = ref Unsafe.Add(ref bBase, rowOffset[j + 3]);

        TVec s00 = TOps.Zero, s01 = TOps.Zero, s02 = TOps.Zero, s03 = TOps.Zero;
        TVec s10 = TOps.Zero, s11 = TOps.Zero, s12 = TOps.Zero, s13 = TOps.Zero;
        TVec s20 = TOps.Zero, s21 = TOps.Zero, s22 = TOps.Zero, s23 = TOps.Zero;
        TVec s30 = TOps.Zero, s31 = TOps.Zero, s32 = TOps.Zero, s33 = TOps.Zero;
        for (nint p = 0; p < vectorEnd; p += width)
        {
            TVec x0 = TOps.Load(ref b0, p);
            TVec x1 = TOps.Load(ref b1, p);
            TVec x2 = TOps.Load(ref b2, p);
            TVec x3 = TOps.Load(ref b3, p);
            TVec d = TOps.Load(ref a0, p);
            s00 = TOps.MultiplyAdd(d, x0, s00); s01 = TOps.MultiplyAdd(d, x1, s01); s02 = TOps.MultiplyAdd(d, x2, s02); s03 = TOps.MultiplyAdd(d, x3, s03);
            d = TOps.Load(ref a1, p);
            s10 = TOps.MultiplyAdd(d, x0, s10); s11 = TOps.MultiplyAdd(d, x1, s11); s12 = TOps.MultiplyAdd(d, x2, s12); s13 = TOps.MultiplyAdd(d, x3, s13);
            d = TOps.Load(ref a2, p);
            s20 = TOps.MultiplyAdd(d, x0, s20); s21 = TOps.MultiplyAdd(d, x1, s21); s22 = TOps.MultiplyAdd(d, x2, s22); s23 = TOps.MultiplyAdd(d, x3, s23);
            d = TOps.Load(ref a3, p);
            s30 = TOps.MultiplyAdd(d, x0, s30); s31 = TOps.MultiplyAdd(d, x1, s31); s32 = TOps.MultiplyAdd(d, x2, s32); s33 = TOps.MultiplyAdd(d, x3, s33);
        }

        if (typeof(TVec) == typeof(Vector512<float>) && Avx512F.IsSupported && vectorEnd == t)
        {
            // No scalar tail: the four 128-bit blocks of the reduced sums are the block's four rows of C.
            var rows = VectorOps512.SumBlock4x4(
                As512(s00), As512(s01), As512(s02), As512(s03), As512(s10), As512(s11), As512(s12), As512(s13),
                As512(s20), As512(s21), As512(s22), As512(s23), As512(s30), As512(s31), As512(s32), As512(s33));
            StoreRow(c, ((i + 0) * ldc) + j, rows.GetLower().GetLower(), accumulate);
            StoreRow(c, ((i + 1) * ldc) + j, rows.GetLower().GetUpper(), accumulate);
            StoreRow(c, ((i + 2) * ldc) + j, rows.GetUpper().GetLower(), accumulate);
            StoreRow(c, ((i + 3) * ldc) + j, rows.GetUpper().GetUpper(), accumulate);
            return;
        }

        Span<float> sums = stackalloc float[16];
        sums[0] = TOps.Sum(s00); sums[1] = TOps.Sum(s01); sums[2] = TOps.Sum(s02); sums[3] = TOps.Sum(s03);
        sums[4] = TOps.Sum(s10); sums[5] = TOps.Sum(s11); sums[6] = TOps.Sum(s12); sums[7] = TOps.Sum(s13);
        sums[8] = TOps.Sum(s20); sums[9] = TOps.Sum(s21); sums[10] = TOps.Sum(s22); sums[11] = TOps.Sum(s23);
        sums[12] = TOps.Sum(s30); sums[13] = TOps.Sum(s31); sums[14] = TOps.Sum(s32); sums[15] = TOps.Sum(s33);
        for (int r = 0; r < 4; r++)
            for (int q = 0; q < 4; q++)
            {
                float s = sums[(r * 4) + q];
                for (int p = (int)vectorEnd; p < t; p++)
                    s += a[((i + r) * lda) + p] * b[rowOffset[j + q] + p];
                ref float dst = ref c[((i + r) * ldc) + j + q];
                dst = accumulate ? dst + s : s;
            }
    }

    // c[at .. at + 4] = v, or += v (the slice checks the bounds once for the four).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Span<float> c, int at, Vector128<float> v, bool accumulate)
    {
        ref float dst = ref MemoryMarshal.GetReference(c.Slice(at, 4));
        if (accumulate)
            v += Vector128.LoadUnsafe(ref dst);
        v.StoreUnsafe(ref dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> As512<TVec>(TVec v) where TVec : struct => Unsafe.As<TVec, Vector512<float>>(ref v);

    // One entry of C: the row and column remainders.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Entry<TVec, TOps>(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, ReadOnlySpan<int> rowOffset,
        Span<float> c, int ldc, int i, int j, int t, bool accumulate)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        int width = TOps.Width;
        nint vectorEnd = t - (t % width);
        ref float aRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), i * lda);
        ref float bRow = ref Unsafe.Add(ref MemoryMarshal.GetReference(b), rowOffset[j]);
        TVec acc = TOps.Zero;
        for (nint p = 0; p < vectorEnd; p += width)
            acc = TOps.MultiplyAdd(TOps.Load(ref aRow, p), TOps.Load(ref bRow, p), acc);
        float s = TOps.Sum(acc);
        for (int p = (int)vectorEnd; p < t; p++)
            s += a[(i * lda) + p] * b[rowOffset[j] + p];
        ref float dst = ref c[(i * ldc) + j];
        dst = accumulate ? dst + s : s;
    }
}
