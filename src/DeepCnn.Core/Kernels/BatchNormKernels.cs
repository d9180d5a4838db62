using System.Numerics;
using System.Runtime.InteropServices;

namespace DeepCnn.Kernels;

/// <summary>
/// The element loops of batch normalization, each fused into a single pass over a channel's
/// contiguous segment (one sample's H*W values): the layer is memory-bound, so passes are what
/// cost. Vectorized with <see cref="Vector{T}"/>, with scalar tails.
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

    /// <summary>xhat = (x - mean) * inv and y = gamma * xhat + beta, in one pass.</summary>
    public static void Normalize(ReadOnlySpan<float> x, float mean, float inv, float gamma, float beta, Span<float> xhat, Span<float> y)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vh = MemoryMarshal.Cast<float, Vector<float>>(xhat);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        Vector<float> vMean = new(mean), vInv = new(inv), vGamma = new(gamma), vBeta = new(beta);
        for (int i = 0; i < vx.Length; i++)
        {
            var h = (vx[i] - vMean) * vInv;
            vh[i] = h;
            vy[i] = (h * vGamma) + vBeta;
        }
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++)
        {
            float h = (x[i] - mean) * inv;
            xhat[i] = h;
            y[i] = (h * gamma) + beta;
        }
    }

    /// <summary>sum(dy) and sum(dy * xhat) in one pass.</summary>
    public static (double SumDy, double SumDyXhat) GradientSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat)
    {
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vh = MemoryMarshal.Cast<float, Vector<float>>(xhat);
        Vector<double> s = Vector<double>.Zero, p = Vector<double>.Zero;
        for (int i = 0; i < vd.Length; i++)
        {
            Vector.Widen(vd[i], out var dLo, out var dHi);
            Vector.Widen(vh[i], out var hLo, out var hHi);
            s += dLo + dHi;
            p += (dLo * hLo) + (dHi * hHi);
        }
        double sum = Vector.Sum(s), dot = Vector.Sum(p);
        for (int i = vd.Length * Vector<float>.Count; i < dy.Length; i++)
        {
            sum += dy[i];
            dot += (double)dy[i] * xhat[i];
        }
        return (sum, dot);
    }

    /// <summary>dx = g * dy + slope * xhat + shift, in one pass.</summary>
    public static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, float g, float slope, float shift, Span<float> dx)
    {
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vh = MemoryMarshal.Cast<float, Vector<float>>(xhat);
        var vo = MemoryMarshal.Cast<float, Vector<float>>(dx);
        Vector<float> vg = new(g), vSlope = new(slope), vShift = new(shift);
        for (int i = 0; i < vd.Length; i++)
            vo[i] = (vd[i] * vg) + (vh[i] * vSlope) + vShift;
        for (int i = vd.Length * Vector<float>.Count; i < dy.Length; i++)
            dx[i] = (dy[i] * g) + (xhat[i] * slope) + shift;
    }
}
