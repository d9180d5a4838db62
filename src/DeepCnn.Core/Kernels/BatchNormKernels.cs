using System.Numerics;
using System.Runtime.InteropServices;

namespace DeepCnn.Kernels;

/// <summary>
/// The element loops of batch normalization, each fused into a single pass over a channel's
/// contiguous segment (one sample's H*W values): the layer is memory-bound, so passes and stored
/// tensors are what cost. xhat = (x - mean) * inv is never stored: backward recomputes it from x
/// with the same two float operations, so it is bit-identical to the forward's. The backward
/// kernels take an optional ReLU output as a mask, which fuses a following ReLU's backward
/// (dz = dy where relu(y) &gt; 0) into the pass. Vectorized with <see cref="Vector{T}"/>, with scalar tails.
/// </summary>
public static class BatchNormKernels
{
    /// <summary>
    /// sum(x - shift) and sum((x - shift)^2) in one pass. Shifting by a value near the mean (any
    /// sample of the channel) keeps the variance E[d^2] - E[d]^2 accurate when the mean is large.
    /// </summary>
    public static (double Sum, double SumOfSquares) ShiftedSums(ReadOnlySpan<float> x, float shift)
    {
        // Accumulated in double lanes: the statistics feed every output of the channel, and float
        // sums would make them (and so the gradient check's central differences) noticeably noisy.
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vShift = new Vector<float>(shift);
        Vector<double> s = Vector<double>.Zero, sq = Vector<double>.Zero;
        foreach (var v in vx)
        {
            Vector.Widen(v - vShift, out var lo, out var hi);
            s += lo + hi;
            sq += (lo * lo) + (hi * hi);
        }
        double sum = Vector.Sum(s), sumSq = Vector.Sum(sq);
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++)
        {
            double d = x[i] - shift;
            sum += d;
            sumSq += d * d;
        }
        return (sum, sumSq);
    }

    /// <summary>y = gamma * (x - mean) * inv + beta, in one pass.</summary>
    public static void Normalize(ReadOnlySpan<float> x, float mean, float inv, float gamma, float beta, Span<float> y)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        Vector<float> vMean = new(mean), vInv = new(inv), vGamma = new(gamma), vBeta = new(beta);
        for (int i = 0; i < vx.Length; i++)
            vy[i] = ((vx[i] - vMean) * vInv * vGamma) + vBeta;
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++)
            y[i] = ((x[i] - mean) * inv * gamma) + beta;
    }

    /// <summary>
    /// sum(dz) and sum(dz * xhat) in one pass, with xhat = (x - mean) * inv and dz = dy, or dy masked
    /// by <paramref name="reluOutput"/> &gt; 0 when that is not empty.
    /// </summary>
    public static (double SumDy, double SumDyXhat) GradientSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> reluOutput,
        ReadOnlySpan<float> x, float mean, float inv) =>
        reluOutput.IsEmpty
            ? GradientSums<Unmasked>(dy, reluOutput, x, mean, inv)
            : GradientSums<ReluMasked>(dy, reluOutput, x, mean, inv);

    /// <summary>dx = g * dz + slope * xhat + shift in one pass, with xhat and dz as in <see cref="GradientSums"/>.</summary>
    public static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> reluOutput, ReadOnlySpan<float> x,
        float mean, float inv, float g, float slope, float shift, Span<float> dx)
    {
        if (reluOutput.IsEmpty)
            InputGradient<Unmasked>(dy, reluOutput, x, mean, inv, g, slope, shift, dx);
        else
            InputGradient<ReluMasked>(dy, reluOutput, x, mean, inv, g, slope, shift, dx);
    }

    private static (double SumDy, double SumDyXhat) GradientSums<TMask>(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask,
        ReadOnlySpan<float> x, float mean, float inv)
        where TMask : struct, IGradientMask
    {
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vm = MemoryMarshal.Cast<float, Vector<float>>(mask);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        Vector<float> vMean = new(mean), vInv = new(inv);
        Vector<double> s = Vector<double>.Zero, p = Vector<double>.Zero;
        for (int i = 0; i < vd.Length; i++)
        {
            var dz = TMask.Apply(vd[i], vm, i);
            Vector.Widen(dz, out var dLo, out var dHi);
            Vector.Widen((vx[i] - vMean) * vInv, out var hLo, out var hHi);
            s += dLo + dHi;
            p += (dLo * hLo) + (dHi * hHi);
        }
        double sum = Vector.Sum(s), dot = Vector.Sum(p);
        for (int i = vd.Length * Vector<float>.Count; i < dy.Length; i++)
        {
            float dz = TMask.Apply(dy[i], mask, i);
            sum += dz;
            dot += (double)dz * ((x[i] - mean) * inv);
        }
        return (sum, dot);
    }

    private static void InputGradient<TMask>(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, ReadOnlySpan<float> x,
        float mean, float inv, float g, float slope, float shift, Span<float> dx)
        where TMask : struct, IGradientMask
    {
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vm = MemoryMarshal.Cast<float, Vector<float>>(mask);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vo = MemoryMarshal.Cast<float, Vector<float>>(dx);
        Vector<float> vMean = new(mean), vInv = new(inv), vg = new(g), vSlope = new(slope), vShift = new(shift);
        for (int i = 0; i < vd.Length; i++)
            vo[i] = (TMask.Apply(vd[i], vm, i) * vg) + ((vx[i] - vMean) * vInv * vSlope) + vShift;
        for (int i = vd.Length * Vector<float>.Count; i < dy.Length; i++)
            dx[i] = (TMask.Apply(dy[i], mask, i) * g) + ((x[i] - mean) * inv * slope) + shift;
    }

    // How dy becomes dz: unchanged, or zeroed where a fused ReLU's output is not positive (as
    // Elementwise.ReluMask). A struct type argument, so each variant compiles to its own loop.
    private interface IGradientMask
    {
        static abstract Vector<float> Apply(Vector<float> dy, ReadOnlySpan<Vector<float>> mask, int i);

        static abstract float Apply(float dy, ReadOnlySpan<float> mask, int i);
    }

    private struct Unmasked : IGradientMask
    {
        public static Vector<float> Apply(Vector<float> dy, ReadOnlySpan<Vector<float>> mask, int i) => dy;

        public static float Apply(float dy, ReadOnlySpan<float> mask, int i) => dy;
    }

    private struct ReluMasked : IGradientMask
    {
        public static Vector<float> Apply(Vector<float> dy, ReadOnlySpan<Vector<float>> mask, int i) =>
            Vector.ConditionalSelect(Vector.GreaterThan(mask[i], Vector<float>.Zero), dy, Vector<float>.Zero);

        public static float Apply(float dy, ReadOnlySpan<float> mask, int i) => mask[i] > 0f ? dy : 0f;
    }
}
