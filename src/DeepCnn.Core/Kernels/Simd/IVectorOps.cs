namespace DeepCnn.Kernels.Simd;

/// <summary>
/// The handful of vector operations the micro-kernels need, as static members so that a kernel
/// written once as a generic method over <typeparamref name="TVec"/> is compiled by the JIT into
/// a separate, fully inlined copy per vector width (512, 256, 128 bits and scalar).
/// </summary>
/// <typeparam name="TVec">The register type: <c>Vector512&lt;float&gt;</c>, ..., or <c>float</c>.</typeparam>
internal interface IVectorOps<TVec>
    where TVec : struct
{
    /// <summary>Floats per register.</summary>
    static abstract int Width { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TVec Zero { get; }

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVec Broadcast(float value);

    /// <summary>Loads <see cref="Width"/> floats at <paramref name="source"/> + <paramref name="offset"/> (no bounds check: callers size their buffers).</summary>
    static abstract TVec Load(ref float source, nint offset);

    /// <summary>Stores the lanes at <paramref name="destination"/> + <paramref name="offset"/>.</summary>
    static abstract void Store(TVec value, ref float destination, nint offset);

    /// <summary>a * b + c, fused where the hardware has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    /// <summary>Lane-wise a + b.</summary>
    static abstract TVec Add(TVec a, TVec b);

    /// <summary>Lane-wise max(a, 0), NaN propagating as in TensorPrimitives.Max (a diverged run must stay visible).</summary>
    static abstract TVec Relu(TVec a);

    /// <summary>The sum of the lanes, in a fixed order (deterministic).</summary>
    static abstract float Sum(TVec a);
}
