using DeepCnn.Kernels;

namespace DeepCnn.Benchmarks;

/// <summary>Which convolution implementation a benchmark row runs.</summary>
public enum ConvPath
{
    /// <summary>The nested-loop reference (batch 10 only: it is slow).</summary>
    Reference,

    /// <summary>im2col + the GEMM micro-kernels forced to scalar width (no SIMD).</summary>
    Im2ColScalar,

    /// <summary>im2col + the Vector512 GEMM micro-kernels.</summary>
    Im2Col,

    /// <summary>The direct (implicit im2col) Vector512 path; the default at stride 1.</summary>
    Direct,
}

/// <summary>One benchmarked convolution: a notebook layer shape (3x3 kernel), batch and path.</summary>
public sealed record ConvCase(int InChannels, int OutChannels, int Size, Padding Padding, int Batch, ConvPath Path)
{
    /// <summary>The sizes of this convolution.</summary>
    public ConvGeometry Geometry => ConvGeometry.Create(InChannels, Size, Size, OutChannels, 3, 3, 1, Padding);

    /// <summary>2*N*Hout*Wout*Cout*Cin*kh*kw: the FLOP of one pass (forward, backward-data or backward-weight).</summary>
    public double FlopsPerPass => 2.0 * Batch * Geometry.OutPlane * OutChannels * InChannels * 9;

    /// <inheritdoc/>
    public override string ToString()
    {
        var g = Geometry;
        return $"{InChannels}->{OutChannels} {Size}->{g.OutWidth} {Padding.ToString().ToLowerInvariant()} N={Batch} {Path}";
    }
}
