namespace DeepCnn.Layers;

/// <summary>Which implementation a <see cref="Conv2D"/> runs.</summary>
public enum ConvAlgorithm
{
    /// <summary>im2col followed by a GEMM (the general path: any stride).</summary>
    Im2Col,

    /// <summary>The nested-loop reference: slow, obviously correct.</summary>
    Reference,

    /// <summary>Direct convolution on the zero-padded input (implicit im2col), stride 1 only; the fast path for few channels.</summary>
    Direct,

    /// <summary>Picks per shape: <see cref="Direct"/> at stride 1, <see cref="Im2Col"/> otherwise.</summary>
    Auto,
}
