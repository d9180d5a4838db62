using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using DeepCnn.Kernels.Simd;

namespace DeepCnn.Kernels;

/// <summary>
/// Max pooling of one plane [H, W] into [Hout, Wout], recording per output the index (in the
/// plane) of its maximum, the first one in row-major window order on ties. <see cref="Reference"/>
/// is the plain loop for any window and stride; <see cref="Forward"/> takes the vector path for
/// the 2x2 stride-2 windows every notebook model uses and gives the same bits.
/// </summary>
internal static class MaxPoolKernels
{
    /// <summary>Any window and stride: y and argmax [Hout * Wout] from x [H * W].</summary>
    public static void Reference(ReadOnlySpan<float> x, int inWidth, int pool, int stride, Span<float> y, Span<int> argmax, int outHeight, int outWidth)
    {
        for (int i = 0; i < outHeight; i++)
            for (int j = 0; j < outWidth; j++)
                Window(x, inWidth, pool, (i * stride * inWidth) + (j * stride), out y[(i * outWidth) + j], out argmax[(i * outWidth) + j]);
    }

    // The pool x pool window whose top-left input is x[corner]: its maximum and that maximum's index,
    // the first in row-major window order on ties (strict comparisons).
    private static void Window(ReadOnlySpan<float> x, int inWidth, int pool, int corner, out float max, out int best)
    {
        best = corner;
        max = x[corner];
        for (int p = 0; p < pool; p++)
            for (int q = 0; q < pool; q++)
            {
                int idx = corner + (p * inWidth) + q;
                if (x[idx] > max)
                    (max, best) = (x[idx], idx);
            }
    }

    /// <summary>As <see cref="Reference"/>, vectorized for 2x2 windows at stride 2 when 128-bit vectors are in use.</summary>
    public static void Forward(ReadOnlySpan<float> x, int inWidth, int pool, int stride, Span<float> y, Span<int> argmax, int outHeight, int outWidth)
    {
        if (pool != 2 || stride != 2 || SimdWidth.Current < 4 || !Vector128.IsHardwareAccelerated)
        {
            Reference(x, inWidth, pool, stride, y, argmax, outHeight, outWidth);
            return;
        }
        if (x.Length < inWidth * 2 * outHeight || y.Length < outHeight * outWidth || argmax.Length < y.Length)
            throw new ArgumentException("MaxPool plane buffers are too small for the geometry.");
        // Four outputs per step: a 128-bit vector is 4 floats, and the notebook's rows are 12 outputs wide.
        int vectorWidth = outWidth & ~3;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        ref int a0 = ref MemoryMarshal.GetReference(argmax);
        var lanes = Vector128.Create(0, 2, 4, 6);
        for (int i = 0; i < outHeight; i++)
        {
            int top = 2 * i * inWidth, outRow = i * outWidth;
            for (int j = 0; j < vectorWidth; j += 4)
            {
                // 8 inputs of each of the window's two rows, split into even and odd columns.
                int start = top + (2 * j);
                var (topEven, topOdd) = SplitEvenOdd(ref x0, start);
                var (bottomEven, bottomOdd) = SplitEvenOdd(ref x0, start + inWidth);
                var index = Vector128.Create(start) + lanes;
                var best = topEven;
                var bestIndex = index;
                // Strict comparisons in window order (0,0), (0,1), (1,0), (1,1): the first maximum wins, as in the reference.
                TakeIfGreater(ref best, ref bestIndex, topOdd, index + Vector128<int>.One);
                TakeIfGreater(ref best, ref bestIndex, bottomEven, index + Vector128.Create(inWidth));
                TakeIfGreater(ref best, ref bestIndex, bottomOdd, index + Vector128.Create(inWidth + 1));
                best.StoreUnsafe(ref y0, (nuint)(outRow + j));
                bestIndex.StoreUnsafe(ref a0, (nuint)(outRow + j));
            }
            for (int j = vectorWidth; j < outWidth; j++)
                Window(x, inWidth, 2, top + (2 * j), out y[outRow + j], out argmax[outRow + j]);
        }
    }

    // x[start .. start + 8) as (x[start], x[start+2], x[start+4], x[start+6]) and the odd ones: each
    // pair of floats read as one 64-bit lane, whose low half is the even column (little-endian).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Even, Vector128<float> Odd) SplitEvenOdd(ref float x0, int start)
    {
        var low = Vector128.LoadUnsafe(ref x0, (nuint)start).AsUInt64();
        var high = Vector128.LoadUnsafe(ref x0, (nuint)(start + 4)).AsUInt64();
        var even = Vector128.Narrow(low, high).AsSingle();
        var odd = Vector128.Narrow(Vector128.ShiftRightLogical(low, 32), Vector128.ShiftRightLogical(high, 32)).AsSingle();
        return (even, odd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeIfGreater(ref Vector128<float> best, ref Vector128<int> bestIndex, Vector128<float> candidate, Vector128<int> candidateIndex)
    {
        var greater = Vector128.GreaterThan(candidate, best);
        best = Vector128.ConditionalSelect(greater, candidate, best);
        bestIndex = Vector128.ConditionalSelect(greater.AsInt32(), candidateIndex, bestIndex);
    }

    /// <summary>dx [H * W] = 0 except dx[argmax[o]] += dy[o].</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx)
    {
        dx.Clear();
        for (int o = 0; o < dy.Length; o++)
            dx[argmax[o]] += dy[o];
    }
}
