using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using DeepCnn.Kernels.Simd;

namespace DeepCnn.Kernels;

/// <summary>
/// Stride-1 convolution without im2col: the input is zero-padded once per item to
/// [Cin, Hp, Wp] (Hp = Hout + kh - 1, Wp = Wout + kw - 1), and output pixel t = i * Wp + j of the
/// "padded-width grid" is sum over (c, p, q) of xp[c * Hp * Wp + p * Wp + q + t] * w[o, c, p, q].
/// Every tap is a contiguous, shifted window of xp, so the implicit im2col matrix row (c, p, q)
/// starts at c * Hp * Wp + p * Wp + q and the register-blocked GEMM kernel vectorizes along t.
/// The grid has Wp - Wout garbage columns per row (reads that wrap into the next row), dropped
/// when the grid is copied to y: 2 of 28 columns at 26x26 "same", 7 % of the work.
/// </summary>
/// <remarks>
/// Input gradient: the same kernel on dz padded by (kh - 1 - padTop, kw - 1 - padLeft), with the
/// weights flipped and transposed to [Cin, Cout, kh, kw]. Weight gradient: dw[o, (c,p,q)] =
/// sum_t dzGrid[o, t] * xp[row (c,p,q) + t], a dot-product GEMM over the same implicit rows, with dz
/// laid out on the forward grid and zeros in its garbage columns.
/// </remarks>
internal sealed class DirectConvolution : ConvolutionPlan
{
    private readonly int _hp, _wp, _planeX, _grid, _gridRounded, _dotLength, _paddedXLength;
    private readonly int _hd, _wd, _topD, _leftD, _planeD, _gridD, _gridDRounded, _paddedDLength;
    private readonly int[] _rowsX;
    private readonly int[] _rowsD;
    private readonly float[] _flipped;

    /// <summary>Builds the tables for <paramref name="g"/>, which must have stride 1.</summary>
    public DirectConvolution(in ConvGeometry g)
        : base(g)
    {
        if (g.Stride != 1)
            throw new ArgumentException($"The direct convolution needs stride 1, got {g.Stride}.", nameof(g));
        int kh = g.KernelHeight, kw = g.KernelWidth;
        _hp = g.OutHeight + kh - 1;
        _wp = g.OutWidth + kw - 1;
        _planeX = _hp * _wp;
        _grid = g.OutHeight * _wp;
        _gridRounded = RoundUpToBlocks(_grid);
        // The weight gradient's dot products need T only in whole vectors of the widest width: past the
        // grid dz is zero, and skipping whole 64-float blocks of zeros saves up to 8 % (24x24 -> 22x22:
        // 528 of 576).
        _dotLength = (_grid + 15) & ~15;
        // The last tap of the last channel reads up to (Tr - T) + kw - 2 floats past the planes.
        _paddedXLength = (g.InChannels * _planeX) + (_gridRounded - _grid) + kw - 1;
        _rowsX = ImplicitRows(g.InChannels, kh, kw, _planeX, _wp);

        _hd = g.InHeight + kh - 1;
        _wd = g.InWidth + kw - 1;
        _topD = kh - 1 - g.PadTop;
        _leftD = kw - 1 - g.PadLeft;
        _planeD = _hd * _wd;
        _gridD = g.InHeight * _wd;
        _gridDRounded = RoundUpToBlocks(_gridD);
        _paddedDLength = (g.OutChannels * _planeD) + (_gridDRounded - _gridD) + kw - 1;
        _rowsD = ImplicitRows(g.OutChannels, kh, kw, _planeD, _wd);
        _flipped = new float[g.InChannels * g.OutChannels * kh * kw];
    }

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, bool relu,
        ReadOnlySpan<float> skip = default)
    {
        var g = Geometry;
        var xp = ThreadScratch.Get(ScratchSlot.PaddedInput, _paddedXLength);
        Pad(x, xp, g.InChannels, g.InHeight, g.InWidth, g.PadTop, g.PadLeft, _hp, _wp);
        var grid = ThreadScratch.Get(ScratchSlot.OutputGrid, g.OutChannels * _gridRounded);
        MicroKernels.Broadcast(w, PatchSize, xp, _rowsX, grid, _gridRounded, g.OutChannels, PatchSize, _gridRounded, b, relu, accumulate: false);
        DropGarbageColumns(grid, _gridRounded, _wp, y, g.OutChannels, g.OutHeight, g.OutWidth, skip);
    }

    /// <inheritdoc/>
    public override void PrepareBackward(ReadOnlySpan<float> w)
    {
        // flipped[c, o, p', q'] = w[o, c, kh-1-p', kw-1-q']: the input gradient is a correlation with the rotated kernel.
        var g = Geometry;
        int kh = g.KernelHeight, kw = g.KernelWidth, taps = kh * kw;
        for (int o = 0; o < g.OutChannels; o++)
            for (int c = 0; c < g.InChannels; c++)
                for (int p = 0; p < kh; p++)
                    for (int q = 0; q < kw; q++)
                        _flipped[(((c * g.OutChannels) + o) * taps) + ((kh - 1 - p) * kw) + (kw - 1 - q)] = w[(((o * g.InChannels) + c) * taps) + (p * kw) + q];
    }

    /// <inheritdoc/>
    public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> reluOutput, ReadOnlySpan<float> dy,
        Span<float> dw, Span<float> db, Span<float> dx)
    {
        var g = Geometry;
        var xp = ThreadScratch.Get(ScratchSlot.PaddedInput, _paddedXLength);
        Pad(x, xp, g.InChannels, g.InHeight, g.InWidth, g.PadTop, g.PadLeft, _hp, _wp);

        // dz on the forward grid [Cout, Tr] (zeros in the garbage columns and the rounding tail) and,
        // for dx, zero-padded [Cout, Hd, Wd]; the ReLU mask is applied while laying both out.
        var dzGrid = ThreadScratch.Get(ScratchSlot.GradientGrid, g.OutChannels * _gridRounded);
        var dzPadded = dx.IsEmpty ? default : ThreadScratch.Get(ScratchSlot.PaddedGradient, _paddedDLength);
        dzGrid.Clear();
        dzPadded.Clear();
        int outPlane = g.OutPlane;
        for (int o = 0; o < g.OutChannels; o++)
            for (int i = 0; i < g.OutHeight; i++)
            {
                int src = (o * outPlane) + (i * g.OutWidth);
                var gridRow = dzGrid.Slice((o * _gridRounded) + (i * _wp), g.OutWidth);
                Elementwise.CopyMasked(reluOutput.IsEmpty ? default : reluOutput.Slice(src, g.OutWidth), dy.Slice(src, g.OutWidth), gridRow);
                if (!dx.IsEmpty)
                    gridRow.CopyTo(dzPadded.Slice((o * _planeD) + ((i + _topD) * _wd) + _leftD, g.OutWidth));
            }

        if (!dw.IsEmpty)
            MicroKernels.Dot(dzGrid, _gridRounded, xp, _rowsX, dw, PatchSize, g.OutChannels, PatchSize, _dotLength, accumulate: false);
        for (int o = 0; o < db.Length; o++)
            db[o] = TensorPrimitives.Sum(dzGrid.Slice(o * _gridRounded, _gridRounded));

        if (dx.IsEmpty)
            return;
        int k = g.OutChannels * g.KernelHeight * g.KernelWidth;
        var dxGrid = ThreadScratch.Get(ScratchSlot.OutputGrid, g.InChannels * _gridDRounded);
        MicroKernels.Broadcast(_flipped, k, dzPadded, _rowsD, dxGrid, _gridDRounded, g.InChannels, k, _gridDRounded, default, relu: false, accumulate: false);
        DropGarbageColumns(dxGrid, _gridDRounded, _wd, dx, g.InChannels, g.InHeight, g.InWidth, default);
    }

    // Row (c, p, q) of the implicit im2col matrix starts at c * plane + p * width + q.
    private static int[] ImplicitRows(int channels, int kh, int kw, int plane, int width)
    {
        var rows = new int[channels * kh * kw];
        int r = 0;
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < kh; p++)
                for (int q = 0; q < kw; q++)
                    rows[r++] = (c * plane) + (p * width) + q;
        return rows;
    }

    // src [C, H, W] into dst [C, Hp, Wp] at (top, left), zeros around it and in the slack after the last plane.
    private static void Pad(ReadOnlySpan<float> src, Span<float> dst, int channels, int h, int w, int top, int left, int hp, int wp)
    {
        int plane = hp * wp;
        if (hp == h && wp == w)
        {
            src[..(channels * plane)].CopyTo(dst);
            dst[(channels * plane)..].Clear();
            return;
        }
        dst.Clear();
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < h; i++)
                src.Slice(((c * h) + i) * w, w).CopyTo(dst.Slice((c * plane) + ((i + top) * wp) + left, w));
    }

    // grid [C, rows * gridWidth (+ tail)] with row stride gridWidth to dst [C, rows, width], plus skip [C, rows, width] unless empty.
    private static void DropGarbageColumns(ReadOnlySpan<float> grid, int gridStride, int gridWidth, Span<float> dst, int channels, int rows, int width,
        ReadOnlySpan<float> skip)
    {
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < rows; i++)
            {
                var row = grid.Slice((c * gridStride) + (i * gridWidth), width);
                int at = ((c * rows) + i) * width;
                if (skip.IsEmpty)
                    row.CopyTo(dst.Slice(at, width));
                else
                    TensorPrimitives.Add(row, skip.Slice(at, width), dst.Slice(at, width));
            }
    }
}
