using System.Numerics;
using System.Runtime.InteropServices;

namespace DeepCnn.Kernels;

/// <summary>Vectorized element-wise helpers that TensorPrimitives has no single call for.</summary>
internal static class Elementwise
{
    /// <summary>dz = dy where y &gt; 0, else 0: the ReLU backward mask (y = relu(z) &gt; 0 exactly when z &gt; 0).</summary>
    public static void ReluMask(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dz)
    {
        if (y.Length != dy.Length || dz.Length < y.Length)
            throw new ArgumentException("ReluMask needs y, dy and dz of the same length.");
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var ys = MemoryMarshal.Cast<float, Vector<float>>(y);
            var dys = MemoryMarshal.Cast<float, Vector<float>>(dy);
            var dzs = MemoryMarshal.Cast<float, Vector<float>>(dz);
            for (int v = 0; v < ys.Length; v++)
                dzs[v] = Vector.ConditionalSelect(Vector.GreaterThan(ys[v], Vector<float>.Zero), dys[v], Vector<float>.Zero);
            i = ys.Length * Vector<float>.Count;
        }
        for (; i < y.Length; i++)
            dz[i] = y[i] > 0f ? dy[i] : 0f;
    }

    /// <summary>Dropout's mask in place: each uniform draw u becomes <paramref name="scale"/> where u &lt; <paramref name="keep"/>, else 0.</summary>
    public static void KeepMask(Span<float> uniforms, float keep, float scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(uniforms);
            var keepV = new Vector<float>(keep);
            var scaleV = new Vector<float>(scale);
            for (int v = 0; v < vs.Length; v++)
                vs[v] = Vector.ConditionalSelect(Vector.LessThan(vs[v], keepV), scaleV, Vector<float>.Zero);
            i = vs.Length * Vector<float>.Count;
        }
        for (; i < uniforms.Length; i++)
            uniforms[i] = uniforms[i] < keep ? scale : 0f;
    }

    /// <summary>dz = dy where mask is empty, else <see cref="ReluMask"/>.</summary>
    public static void CopyMasked(ReadOnlySpan<float> mask, ReadOnlySpan<float> dy, Span<float> dz)
    {
        if (mask.IsEmpty)
            dy.CopyTo(dz);
        else
            ReluMask(mask, dy, dz);
    }
}
