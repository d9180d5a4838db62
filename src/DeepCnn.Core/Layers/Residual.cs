using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// A residual block: y = x + F(x), where F is a chain of inner layers whose output has the input's
/// shape (He et al., 2016). Backward adds the two paths: dx = dy (the identity skip) + dF/dx^T dy.
/// </summary>
/// <remarks>
/// <see cref="PreActivation"/> builds the "Identity Mappings in Deep Residual Networks" block
/// F = Conv(ReLU(BN(Conv(ReLU(BN(x)))))). With <c>zeroInitLastNorm</c> the last BatchNormalization's
/// gamma starts at 0, so F(x) = 0 and the block is the identity at initialization (Goyal et al., 2017):
/// a stack of hundreds of blocks then starts as a shallow network.
/// </remarks>
public sealed class Residual : Layer
{
    private readonly List<Layer> _inner;
    private readonly bool _zeroInitLastNorm;
    private LayerChainBuffers _buffers = new(0);

    /// <summary>A residual block around <paramref name="inner"/> (applied in order).</summary>
    /// <param name="inner">The branch F; its output shape must equal its input shape.</param>
    /// <param name="zeroInitLastNorm">Start the branch's last BatchNormalization with gamma = 0, making the block the identity.</param>
    public Residual(IEnumerable<Layer> inner, bool zeroInitLastNorm = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner.ToList();
        if (_inner.Count == 0)
            throw new ArgumentException("A residual block needs at least one inner layer.", nameof(inner));
        _zeroInitLastNorm = zeroInitLastNorm;
        if (zeroInitLastNorm && !_inner.OfType<BatchNormalization>().Any())
            throw new ArgumentException("zeroInitLastNorm needs a BatchNormalization in the block.", nameof(zeroInitLastNorm));
    }

    /// <summary>The pre-activation block BN, ReLU, Conv(filters, 3, same), BN, ReLU, Conv(filters, 3, same).</summary>
    public static Residual PreActivation(int filters, bool zeroInitLastNorm = true, Initializers.Initializer kernelInitializer = Initializers.Initializer.GlorotUniform) =>
        new(
        [
            new BatchNormalization(), new ReLU(), new Conv2D(filters, 3, padding: "same", kernelInitializer: kernelInitializer),
            new BatchNormalization(), new ReLU(), new Conv2D(filters, 3, padding: "same", kernelInitializer: kernelInitializer),
        ], zeroInitLastNorm);

    /// <summary>Whether the branch's last BatchNormalization started with gamma = 0 (it matters only when the block is built).</summary>
    public bool ZeroInitLastNorm => _zeroInitLastNorm;

    /// <summary>The branch's layers.</summary>
    public override IReadOnlyList<Layer> Sublayers => _inner;

    /// <inheritdoc/>
    public override string TypeName => "Residual";

    /// <inheritdoc/>
    public override string NamePrefix => "residual";

    /// <inheritdoc/>
    protected override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    protected override void CreateParameters(Rng rng)
    {
        var counts = new Dictionary<string, int>();
        var shape = InputShape;
        for (int i = 0; i < _inner.Count; i++)
        {
            var layer = _inner[i];
            if (string.IsNullOrEmpty(layer.Name))
            {
                counts[layer.NamePrefix] = counts.GetValueOrDefault(layer.NamePrefix) + 1;
                layer.Name = counts[layer.NamePrefix] == 1 ? layer.NamePrefix : $"{layer.NamePrefix}_{counts[layer.NamePrefix] - 1}";
            }
            try
            {
                layer.Build(shape, rng);
            }
            catch (ShapeMismatchException e)
            {
                throw new ShapeMismatchException($"inner layer {i} '{layer.Name}' ({layer.TypeName}) cannot take {ShapeFormat.FormatKerasBatch(shape)}: {e.Message}", e);
            }
            shape = layer.OutputShape;
        }
        if (!shape.AsSpan().SequenceEqual(InputShape))
            throw new ShapeMismatchException($"the branch maps {ShapeFormat.FormatKerasBatch(InputShape)} to {ShapeFormat.FormatKerasBatch(shape)}, but the identity skip needs equal shapes.");
        if (_zeroInitLastNorm)
            _inner.OfType<BatchNormalization>().Last().Gamma.Value.Clear();
        foreach (var layer in _inner)
            foreach (var p in layer.Parameters)
                ExposeParameter($"{layer.Name}/{p.Name}", p);
        _buffers = new LayerChainBuffers(_inner.Count);
    }

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y, bool training)
    {
        RequireShapes(x, y);
        _buffers.Prepare(_inner, x.Dim(0));
        var current = x;
        for (int i = 0; i < _inner.Count; i++)
        {
            _inner[i].Forward(current, _buffers.Outputs[i], training);
            current = _buffers.Outputs[i];
        }
        System.Numerics.Tensors.TensorPrimitives.Add(x.Span, current.Span, y.Span);
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        // The branch receives dy unchanged (d(x + F)/dF = I); its input gradient is then added to the skip's.
        var g = dy;
        for (int i = _inner.Count - 1; i >= 0; i--)
        {
            var input = i == 0 ? x : _buffers.Outputs[i - 1];
            var gradIn = i > 0 || dx is not null ? _buffers.InputGradients[i] : null;
            _inner[i].Backward(input, _buffers.Outputs[i], g, gradIn);
            if (gradIn is null)
                return;
            g = gradIn;
        }
        System.Numerics.Tensors.TensorPrimitives.Add(dy.Span, g.Span, dx!.Span);
    }

    /// <inheritdoc/>
    public override ulong KinkSignature(Tensor y)
    {
        ulong h = 17;
        for (int i = 0; i < _inner.Count; i++)
            h = (h * 31) ^ _inner[i].KinkSignature(_buffers.Outputs[i]);
        return h;
    }
}
