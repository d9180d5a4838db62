using System.Numerics;
using System.Runtime.InteropServices;

namespace DeepCnn.Kernels;

/// <summary>
/// The element loops of batch normalization, each fused into a single pass over a channel's
/// contiguous segment (one sample's H*W values): the layer is memory-bound, so passes and stored
/// tensors are what cost. xhat = (x - mean) * inv is never stored: backward recomputes it from x
/// with the same two float operations, so it is bit-identical to the forward's. A following ReLU
/// can be fused in: forward writes relu(y) only, and backward recomputes y from x to mask dy
/// (dz = dy where relu(y) &gt; 0), so neither y nor relu(y) has to be read back from memory.
/// Vectorized with <see cref="Vector{T}"/>, with scalar tails.
/// </summary>
public static class BatchNormKernels
{
    /// <summary>
    /// sum(x - shift) and sum((x - shift)^2) in one pass. Shifting by a value near the mean (any
    /// sample of the channel) keeps the variance E[d^2] - E[d]^2 accurate when the mean is large.
    /// </summary>
    public static (double Sum, double SumOfSquares) ShiftedSums(ReadOnlySpan<float> x, float shift)
    {
        // Float lanes, four accumulators each, over one segment: a lane adds 1/32 of it (about 21
        // values of a 26x26 plane with 8-float vectors), so its rounding stays near 1e-6 relative;
        // the segments' sums are combined in double by the caller. Widening every value to double
        // instead cost three times this pass's time (measured), and the statistics are one scalar pair.
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vShift = new Vector<float>(shift);
        Vector<float> s0 = Vector<float>.Zero, s1 = s0, s2 = s0, s3 = s0, q0 = s0, q1 = s0, q2 = s0, q3 = s0;
        int i = 0;
        for (; i + 3 < vx.Length; i += 4)
        {
            Vector<float> a = vx[i] - vShift, b = vx[i + 1] - vShift, c = vx[i + 2] - vShift, d = vx[i + 3] - vShift;
            (s0, s1, s2, s3) = (s0 + a, s1 + b, s2 + c, s3 + d);
            (q0, q1, q2, q3) = (q0 + (a * a), q1 + (b * b), q2 + (c * c), q3 + (d * d));
        }
        for (; i < vx.Length; i++)
        {
            var a = vx[i] - vShift;
            (s0, q0) = (s0 + a, q0 + (a * a));
        }
        double sum = SumInDouble(s0, s1, s2, s3), sumSq = SumInDouble(q0, q1, q2, q3);
        for (i = vx.Length * Vector<float>.Count; i < x.Length; i++)
        {
            double d = x[i] - shift;
            sum += d;
            sumSq += d * d;
        }
        return (sum, sumSq);
    }

    // The lanes of four float accumulators, added in double.
    private static double SumInDouble(Vector<float> a, Vector<float> b, Vector<float> c, Vector<float> d)
    {
        Vector.Widen(a, out var a0, out var a1);
        Vector.Widen(b, out var b0, out var b1);
        Vector.Widen(c, out var c0, out var c1);
        Vector.Widen(d, out var d0, out var d1);
        return Vector.Sum(((a0 + a1) + (b0 + b1)) + ((c0 + c1) + (d0 + d1)));
    }

    /// <summary>
    /// y = gamma * (x - mean) * inv + beta in one pass, or relu(y) when <paramref name="relu"/> (a
    /// following ReLU fused in; max(y, 0) as <c>TensorPrimitives.Max</c>, NaN kept, so the same bits).
    /// </summary>
    public static void Normalize(ReadOnlySpan<float> x, float mean, float inv, float gamma, float beta, Span<float> y, bool relu)
    {
        if (relu)
            Normalize<Relu>(x, mean, inv, gamma, beta, y);
        else
            Normalize<Linear>(x, mean, inv, gamma, beta, y);
    }

    /// <summary>
    /// sum(dz) and sum(dz * xhat) in one pass, with xhat = (x - mean) * inv and dz = dy, or, when
    /// <paramref name="relu"/>, dy masked where the fused ReLU's output relu(gamma * xhat + beta) is 0.
    /// The mask is recomputed from x with the forward's float operations, so it is the forward's.
    /// </summary>
    public static (double SumDy, double SumDyXhat) GradientSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> x,
        float mean, float inv, float gamma, float beta, bool relu) =>
        relu
            ? GradientSums<Relu>(dy, x, mean, inv, gamma, beta)
            : GradientSums<Linear>(dy, x, mean, inv, gamma, beta);

    /// <summary>dx = g * dz + slope * xhat + shift in one pass, with xhat and dz as in <see cref="GradientSums"/>.</summary>
    public static void InputGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float mean, float inv, float gamma,
        float beta, bool relu, float g, float slope, float shift, Span<float> dx)
    {
        if (relu)
            InputGradient<Relu>(dy, x, mean, inv, gamma, beta, g, slope, shift, dx);
        else
            InputGradient<Linear>(dy, x, mean, inv, gamma, beta, g, slope, shift, dx);
    }

    private static void Normalize<TAct>(ReadOnlySpan<float> x, float mean, float inv, float gamma, float beta, Span<float> y)
        where TAct : struct, IActivation
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        Vector<float> vMean = new(mean), vInv = new(inv), vGamma = new(gamma), vBeta = new(beta);
        for (int i = 0; i < vx.Length; i++)
            vy[i] = TAct.Apply(((vx[i] - vMean) * vInv * vGamma) + vBeta);
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++)
            y[i] = TAct.Apply(((x[i] - mean) * inv * gamma) + beta);
    }

    private static (double SumDy, double SumDyXhat) GradientSums<TAct>(ReadOnlySpan<float> dy, ReadOnlySpan<float> x,
        float mean, float inv, float gamma, float beta)
        where TAct : struct, IActivation
    {
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        Vector<float> vMean = new(mean), vInv = new(inv), vGamma = new(gamma), vBeta = new(beta);
        // Float lanes, four accumulators per sum, as in ShiftedSums.
        Vector<float> s0 = Vector<float>.Zero, s1 = s0, s2 = s0, s3 = s0, p0 = s0, p1 = s0, p2 = s0, p3 = s0;
        int i = 0;
        for (; i + 3 < vd.Length; i += 4)
        {
            Vector<float> h0 = (vx[i] - vMean) * vInv, h1 = (vx[i + 1] - vMean) * vInv;
            Vector<float> h2 = (vx[i + 2] - vMean) * vInv, h3 = (vx[i + 3] - vMean) * vInv;
            var d0 = TAct.Gradient(vd[i], (h0 * vGamma) + vBeta);
            var d1 = TAct.Gradient(vd[i + 1], (h1 * vGamma) + vBeta);
            var d2 = TAct.Gradient(vd[i + 2], (h2 * vGamma) + vBeta);
            var d3 = TAct.Gradient(vd[i + 3], (h3 * vGamma) + vBeta);
            (s0, s1, s2, s3) = (s0 + d0, s1 + d1, s2 + d2, s3 + d3);
            (p0, p1, p2, p3) = (p0 + (d0 * h0), p1 + (d1 * h1), p2 + (d2 * h2), p3 + (d3 * h3));
        }
        for (; i < vd.Length; i++)
        {
            var h = (vx[i] - vMean) * vInv;
            var dz = TAct.Gradient(vd[i], (h * vGamma) + vBeta);
            (s0, p0) = (s0 + dz, p0 + (dz * h));
        }
        double sum = SumInDouble(s0, s1, s2, s3), dot = SumInDouble(p0, p1, p2, p3);
        for (i = vd.Length * Vector<float>.Count; i < dy.Length; i++)
        {
            float xhat = (x[i] - mean) * inv;
            float dz = TAct.Gradient(dy[i], (xhat * gamma) + beta);
            sum += dz;
            dot += (double)dz * xhat;
        }
        return (sum, dot);
    }

    private static void InputGradient<TAct>(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float mean, float inv,
        float gamma, float beta, float g, float slope, float shift, Span<float> dx)
        where TAct : struct, IActivation
    {
        var vd = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vo = MemoryMarshal.Cast<float, Vector<float>>(dx);
        Vector<float> vMean = new(mean), vInv = new(inv), vGamma = new(gamma), vBeta = new(beta);
        Vector<float> vg = new(g), vSlope = new(slope), vShift = new(shift);
        for (int i = 0; i < vd.Length; i++)
        {
            var xhat = (vx[i] - vMean) * vInv;
            vo[i] = (TAct.Gradient(vd[i], (xhat * vGamma) + vBeta) * vg) + (xhat * vSlope) + vShift;
        }
        for (int i = vd.Length * Vector<float>.Count; i < dy.Length; i++)
        {
            float xhat = (x[i] - mean) * inv;
            dx[i] = (TAct.Gradient(dy[i], (xhat * gamma) + beta) * g) + (xhat * slope) + shift;
        }
    }

    // What follows the normalization: nothing, or a fused ReLU. Gradient(dy, y) is dy masked by the
    // activation's derivative at y = gamma * xhat + beta (for ReLU: dy where max(y, 0) > 0, as
    // Elementwise.ReluMask). A struct type argument, so each variant compiles to its own loop.
    private interface IActivation
    {
        static abstract Vector<float> Apply(Vector<float> y);

        static abstract float Apply(float y);

        static abstract Vector<float> Gradient(Vector<float> dy, Vector<float> y);

        static abstract float Gradient(float dy, float y);
    }

    private struct Linear : IActivation
    {
        public static Vector<float> Apply(Vector<float> y) => y;

        public static float Apply(float y) => y;

        public static Vector<float> Gradient(Vector<float> dy, Vector<float> y) => dy;

        public static float Gradient(float dy, float y) => dy;
    }

    private struct Relu : IActivation
    {
        public static Vector<float> Apply(Vector<float> y) => Vector.Max(y, Vector<float>.Zero);

        public static float Apply(float y) => MathF.Max(y, 0f);

        public static Vector<float> Gradient(Vector<float> dy, Vector<float> y) =>
            Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), dy, Vector<float>.Zero);

        public static float Gradient(float dy, float y) => y > 0f ? dy : 0f;
    }
}
