using DeepCnn.Kernels;
using DeepCnn.Parallel;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// Max pooling with "valid" windows, as Keras's MaxPooling2D: output size
/// floor((in - pool) / stride) + 1 (odd sizes drop the last row/column).
/// Input [N, C, H, W], output [N, C, Hout, Wout].
/// </summary>
/// <remarks>
/// Forward records, per output, the position of the maximum (the first one on ties); backward
/// routes each dy to that position only: dx[argmax] += dy, every other dx is 0. Batch items run in
/// parallel; the 2x2 stride-2 windows take a vector path (<see cref="MaxPoolKernels"/>).
/// </remarks>
public sealed class MaxPool2D : Layer
{
    private readonly PoolWork _work = new();
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
        int batch = x.Dim(0);
        Workspace.Rent(ref _argmax, batch * _g.InChannels * _g.OutPlane);
        _work.Run(this, x, y, forward: true, batch);
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        if (dx is null)
            return;
        _work.Run(this, dy, dx, forward: false, x.Dim(0));
    }

    // Chunk n is batch item n: its planes forward (x -> y, argmax) or backward (dy -> dx).
    private sealed class PoolWork : IParallelWork
    {
        private MaxPool2D _layer = null!;
        private Tensor _source = null!, _target = null!;
        private bool _forward;

        // One item per chunk; the tensors are dropped afterwards so that the layer holds no stale batch.
        public void Run(MaxPool2D layer, Tensor source, Tensor target, bool forward, int batch)
        {
            (_layer, _source, _target, _forward) = (layer, source, target, forward);
            try
            {
                Compute.For(this, batch);
            }
            finally
            {
                (_source, _target) = (null!, null!);
            }
        }

        public void Execute(int index)
        {
            var g = _layer._g;
            int inSize = g.InChannels * g.InPlane, outSize = g.InChannels * g.OutPlane;
            var argmax = _layer._argmax.AsSpan(index * outSize, outSize);
            if (_forward)
            {
                var x = _source.Span.Slice(index * inSize, inSize);
                var y = _target.Span.Slice(index * outSize, outSize);
                for (int c = 0; c < g.InChannels; c++)
                    MaxPoolKernels.Forward(x.Slice(c * g.InPlane, g.InPlane), g.InWidth, _layer.PoolSize, g.Stride,
                        y.Slice(c * g.OutPlane, g.OutPlane), argmax.Slice(c * g.OutPlane, g.OutPlane), g.OutHeight, g.OutWidth);
            }
            else
            {
                var dy = _source.Span.Slice(index * outSize, outSize);
                var dx = _target.Span.Slice(index * inSize, inSize);
                for (int c = 0; c < g.InChannels; c++)
                    MaxPoolKernels.Backward(dy.Slice(c * g.OutPlane, g.OutPlane), argmax.Slice(c * g.OutPlane, g.OutPlane), dx.Slice(c * g.InPlane, g.InPlane));
            }
        }
    }

    /// <inheritdoc/>
    public override ulong KinkSignature(Tensor y) => Kinks.Indices(_argmax.AsSpan(0, y.Length));
}
