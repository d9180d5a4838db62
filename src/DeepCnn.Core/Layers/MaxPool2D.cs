using DeepCnn.Kernels;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// Max pooling with "valid" windows, as Keras's MaxPooling2D: output size
/// floor((in - pool) / stride) + 1 (odd sizes drop the last row/column).
/// Input [N, C, H, W], output [N, C, Hout, Wout].
/// </summary>
/// <remarks>
/// Forward records, per output, the position of the maximum (the first one on ties); backward
/// routes each dy to that position only: dx[argmax] += dy, every other dx is 0.
/// </remarks>
public sealed class MaxPool2D : Layer
{
    private int[] _argmax = [];
    private ConvGeometry _g;

    /// <summary>Creates a max-pooling layer as Keras's <c>MaxPooling2D(pool_size, strides)</c>; strides default to the pool size.</summary>
    public MaxPool2D(int poolSize = 2, int? strides = null)
    {
        if (poolSize < 1)
            throw new ArgumentOutOfRangeException(nameof(poolSize), $"MaxPool2D pool size must be at least 1, got {poolSize}.");
        if (strides is < 1)
            throw new ArgumentOutOfRangeException(nameof(strides), $"MaxPool2D strides must be at least 1, got {strides}.");
        PoolSize = poolSize;
        Strides = strides ?? poolSize;
    }

    /// <summary>Window side.</summary>
    public int PoolSize { get; }

    /// <summary>Step between windows.</summary>
    public int Strides { get; }

    /// <inheritdoc/>
    public override string TypeName => "MaxPooling2D";

    /// <inheritdoc/>
    public override string NamePrefix => "max_pooling2d";

    /// <inheritdoc/>
    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3)
            throw new ShapeMismatchException($"MaxPooling2D needs an image input (height, width, channels), got {ShapeFormat.FormatKerasBatch(inputShape)}.");
        _g = ConvGeometry.Create(inputShape[0], inputShape[1], inputShape[2], inputShape[0], PoolSize, PoolSize, Strides, Padding.Valid);
        if (_g.OutHeight < 1 || _g.OutWidth < 1)
            throw new ShapeMismatchException($"MaxPooling2D pool {PoolSize}x{PoolSize} does not fit input {ShapeFormat.FormatKerasBatch(inputShape)}: the output would be empty.");
        return [inputShape[0], _g.OutHeight, _g.OutWidth];
    }

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y, bool training)
    {
        RequireShapes(x, y);
        var g = _g;
        int planes = x.Dim(0) * g.InChannels;
        var argmax = Workspace.Rent(ref _argmax, planes * g.OutPlane);
        var xs = x.Span;
        var ys = y.Span;
        for (int plane = 0; plane < planes; plane++)
        {
            var src = xs.Slice(plane * g.InPlane, g.InPlane);
            int outBase = plane * g.OutPlane;
            for (int i = 0; i < g.OutHeight; i++)
                for (int j = 0; j < g.OutWidth; j++)
                {
                    int best = (i * g.Stride * g.InWidth) + (j * g.Stride);
                    float max = src[best];
                    for (int p = 0; p < PoolSize; p++)
                        for (int q = 0; q < PoolSize; q++)
                        {
                            int idx = (((i * g.Stride) + p) * g.InWidth) + (j * g.Stride) + q;
                            if (src[idx] > max)
                            {
                                max = src[idx];
                                best = idx;
                            }
                        }
                    ys[outBase + (i * g.OutWidth) + j] = max;
                    argmax[outBase + (i * g.OutWidth) + j] = best;
                }
        }
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        if (dx is null)
            return;
        var g = _g;
        int planes = x.Dim(0) * g.InChannels;
        var argmax = _argmax.AsSpan(0, planes * g.OutPlane);
        var dxs = dx.Span;
        var dys = dy.Span;
        dxs.Clear();
        for (int plane = 0; plane < planes; plane++)
        {
            var dst = dxs.Slice(plane * g.InPlane, g.InPlane);
            for (int o = plane * g.OutPlane; o < (plane + 1) * g.OutPlane; o++)
                dst[argmax[o]] += dys[o];
        }
    }

    /// <inheritdoc/>
    public override ulong KinkSignature(Tensor y) => Kinks.Indices(_argmax.AsSpan(0, y.Length));
}
