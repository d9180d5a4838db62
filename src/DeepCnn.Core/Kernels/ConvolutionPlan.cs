namespace DeepCnn.Kernels;

/// <summary>
/// One batch item of a convolution, forward and backward, for a fixed geometry. A plan holds
/// only read-only tables (built once) and the repacked weights of the current backward pass
/// (<see cref="PrepareBackward"/>, called before the items run), so its item methods may run on
/// several threads at once; per-item temporaries live in <see cref="ThreadScratch"/>.
/// Shapes per item: x [Cin, H, W], w [Cout, Cin, kh, kw], b [Cout], y and dy [Cout, Hout, Wout].
/// </summary>
internal abstract class ConvolutionPlan
{
    /// <summary>Creates a plan for <paramref name="geometry"/>.</summary>
    protected ConvolutionPlan(in ConvGeometry geometry) => Geometry = geometry;

    /// <summary>The sizes this plan was built for.</summary>
    public ConvGeometry Geometry { get; }

    /// <summary>Cin * kh * kw, the length of one filter.</summary>
    protected int PatchSize => Geometry.PatchSize;

    /// <summary>
    /// y = conv(x, w) + b, then max(y, 0) when <paramref name="relu"/>, then + skip when
    /// <paramref name="skip"/> [Cout, Hout, Wout] is not empty (a residual block's identity path,
    /// added while y is written). b may be empty.
    /// </summary>
    public abstract void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, bool relu,
        ReadOnlySpan<float> skip = default);

    /// <summary>Repacks w [Cout, Cin, kh, kw] into the layout the input gradient needs; call once before the backward items.</summary>
    public abstract void PrepareBackward(ReadOnlySpan<float> w);

    /// <summary>
    /// With dz = dy masked by y &gt; 0 (or dz = dy when <paramref name="reluOutput"/> is empty):
    /// OVERWRITES dw [Cout, Cin*kh*kw] and db [Cout] with this item's contribution and dx [Cin, H, W]
    /// with the input gradient, skipping each one that is empty.
    /// </summary>
    public abstract void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> reluOutput, ReadOnlySpan<float> dy,
        Span<float> dw, Span<float> db, Span<float> dx);

    /// <summary>
    /// <paramref name="value"/> rounded up to a multiple of 64, four of the widest registers: a grid this
    /// long is covered by whole 4-vector column blocks of the micro-kernels at every width, with no
    /// half-speed remainder block and no scalar tail.
    /// </summary>
    protected static int RoundUpToBlocks(int value) => (value + 63) & ~63;
}
