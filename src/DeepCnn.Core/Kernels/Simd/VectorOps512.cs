using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepCnn.Kernels.Simd;

/// <summary><see cref="IVectorOps{TVec}"/> on 512-bit registers (16 floats; AVX-512 has FMA).</summary>
internal readonly struct VectorOps512 : IVectorOps<Vector512<float>>
{
    public static int Width => Vector512<float>.Count;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nint offset) => Vector512.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nint offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> a) => Vector512.Max(a, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> a) => VectorOps256.Sum(a.GetLower() + a.GetUpper());

    /// <summary>
    /// The 16 lane sums of a 4x4 block of accumulators in one register: lane 4 * r + q holds the sum
    /// of s[r][q], so 128-bit block r is row r of the block, ready to store. A tree of 128-bit-block
    /// and in-block shuffles (45 instructions) where 16 separate horizontal sums take ~160; the
    /// dot-product kernel does one reduction per 4x4 block of the weight gradient, and at the
    /// notebook's short pixel rows (T = 448 at 22x22) 16 separate sums cost a third as many
    /// instructions as the block's FMAs.
    /// </summary>
    /// <remarks>
    /// Each sum is (A0 + A1) + (A2 + A3) with A_l = (v[l] + v[l + 8]) + (v[l + 4] + v[l + 12]): a fixed
    /// order, so results do not depend on threads.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SumBlock4x4(
        Vector512<float> s00, Vector512<float> s01, Vector512<float> s02, Vector512<float> s03,
        Vector512<float> s10, Vector512<float> s11, Vector512<float> s12, Vector512<float> s13,
        Vector512<float> s20, Vector512<float> s21, Vector512<float> s22, Vector512<float> s23,
        Vector512<float> s30, Vector512<float> s31, Vector512<float> s32, Vector512<float> s33)
    {
        // Column q: 128-bit block r holds a 4-lane partial sum of s[r][q].
        var c0 = QuarterSums(s00, s10, s20, s30);
        var c1 = QuarterSums(s01, s11, s21, s31);
        var c2 = QuarterSums(s02, s12, s22, s32);
        var c3 = QuarterSums(s03, s13, s23, s33);
        // In every 128-bit block: [c0 (l0+l1), c0 (l2+l3), c1 (l0+l1), c1 (l2+l3)], then the totals of c0..c3.
        var p = Avx512F.Shuffle(c0, c1, 0x88) + Avx512F.Shuffle(c0, c1, 0xDD);
        var q = Avx512F.Shuffle(c2, c3, 0x88) + Avx512F.Shuffle(c2, c3, 0xDD);
        return Avx512F.Shuffle(p, q, 0x88) + Avx512F.Shuffle(p, q, 0xDD);
    }

    // Block k of the result is a 4-lane partial sum of the k-th argument (a, b, c, d).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> QuarterSums(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        // [a0 + a2, a1 + a3, b0 + b2, b1 + b3] in 128-bit blocks, likewise for c, d; then [a, b, c, d].
        var ab = Avx512F.Shuffle4x128(a, b, 0x44) + Avx512F.Shuffle4x128(a, b, 0xEE);
        var cd = Avx512F.Shuffle4x128(c, d, 0x44) + Avx512F.Shuffle4x128(c, d, 0xEE);
        return Avx512F.Shuffle4x128(ab, cd, 0x88) + Avx512F.Shuffle4x128(ab, cd, 0xDD);
    }
}
