using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using DeepCnn.Kernels.Simd;

namespace DeepCnn.Kernels;

/// <summary>
/// The general convolution (any stride and padding) through an explicit im2col matrix
/// col [Cin*kh*kw, Hout*Wout] and the register-blocked GEMM kernels:
/// y = w [Cout, K] * col + b; dw = dz [Cout, P] * col^T; dcol = w^T [K, Cout] * dz; dx = col2im(dcol).
/// </summary>
internal sealed class Im2ColConvolution : ConvolutionPlan
{
    private readonly int[] _colRows;
    private readonly int[] _dzRows;
    private readonly float[] _transposed;

    /// <summary>Builds the tables for <paramref name="g"/>.</summary>
    public Im2ColConvolution(in ConvGeometry g)
        : base(g)
    {
        _colRows = new int[g.PatchSize];
        MicroKernels.DenseRows(_colRows, g.PatchSize, g.OutPlane);
        _dzRows = new int[g.OutChannels];
        MicroKernels.DenseRows(_dzRows, g.OutChannels, g.OutPlane);
        _transposed = new float[g.PatchSize * g.OutChannels];
    }

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, bool relu,
        ReadOnlySpan<float> skip = default)
    {
        var g = Geometry;
        var col = ThreadScratch.Get(ScratchSlot.Columns, PatchSize * g.OutPlane);
        Im2Col.Pack(x, col, g);
        MicroKernels.Broadcast(w, PatchSize, col, _colRows, y, g.OutPlane, g.OutChannels, PatchSize, g.OutPlane, b, relu, accumulate: false);
        if (!skip.IsEmpty)
            System.Numerics.Tensors.TensorPrimitives.Add(y, skip, y);
    }

    /// <inheritdoc/>
    public override void PrepareBackward(ReadOnlySpan<float> w)
    {
        var g = Geometry;
        for (int o = 0; o < g.OutChannels; o++)
            for (int k = 0; k < PatchSize; k++)
                _transposed[(k * g.OutChannels) + o] = w[(o * PatchSize) + k];
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> reluOutput, ReadOnlySpan<float> dy,
        Span<float> dw, Span<float> db, Span<float> dx)
    {
        var g = Geometry;
        int p = g.OutPlane;
        var col = ThreadScratch.Get(ScratchSlot.Columns, PatchSize * p);
        Im2Col.Pack(x, col, g);
        ReadOnlySpan<float> dz = dy;
        if (!reluOutput.IsEmpty)
        {
            var masked = ThreadScratch.Get(ScratchSlot.GradientGrid, g.OutChannels * p);
            Elementwise.ReluMask(reluOutput, dy, masked);
            dz = masked;
        }
        if (!dw.IsEmpty)
            MicroKernels.Dot(dz, p, col, _colRows, dw, PatchSize, g.OutChannels, PatchSize, p, accumulate: false);
        for (int o = 0; o < db.Length; o++)
            db[o] = TensorPrimitives.Sum(dz.Slice(o * p, p));
        if (dx.IsEmpty)
            return;
        var dcol = ThreadScratch.Get(ScratchSlot.GradientColumns, PatchSize * p);
        MicroKernels.Broadcast(_transposed, g.OutChannels, dz, _dzRows, dcol, p, PatchSize, g.OutChannels, p, default, relu: false, accumulate: false);
        Im2Col.Unpack(dcol, dx, g);
    }
}
