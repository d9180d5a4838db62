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
/// <para>
/// The branch's intermediate outputs are private, so the block runs them fused where it can, to
/// save passes over memory (an 800-layer stack is memory-bound: its activations do not fit in any
/// cache): a BatchNormalization followed by a ReLU writes only the ReLU's output, and backward
/// masks the gradient inside the BatchNorm passes; a final linear Conv2D writes x + F(x) directly.
/// Both are bit-identical to running the layers one by one (<see cref="Fuse"/> = false, tested).
/// </para>
/// </remarks>
public sealed class Residual : Layer
{
    private readonly List<Layer> _inner;
    private readonly bool _zeroInitLastNorm;
    private LayerChainBuffers _buffers = new(0);

    // The fused execution plan, fixed at build time (see remarks). _fusedRelu[i]: inner layer i is a
    // BatchNormalization whose following ReLU runs inside it. _skipIntoLast: the last layer is a
    // linear Conv2D that adds the identity path while it writes the block's output.
    private bool[] _fusedRelu = [];
    private bool _skipIntoLast;
    private PreActivationPipeline? _pipeline;
    // Whether the last forward ran the pipeline (backward must take the same path), and its input.
    private bool _pipelined;
    private Tensor? _lastInput;
    // The input whose first BatchNorm statistics the preceding block has already taken, if any.
    private Tensor? _statisticsReadyFor;

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

    /// <summary>Whether the branch runs fused (the default); false runs each inner layer on its own, for comparison.</summary>
    public bool Fuse { get; set; } = true;

    /// <summary>
    /// The block that follows this one in its model (set by <see cref="Training.Sequential"/>): in
    /// training, this block's last item loop also takes that block's first BatchNorm statistics of
    /// the output it is writing, sparing a loop over memory per block.
    /// </summary>
    internal Residual? Next { get; set; }

    private bool WillPipeline => Fuse && _pipeline is { IsAvailable: true };

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
        _buffers = new LayerChainBuffers(_inner.Count, borrowGradients: true);
        _fusedRelu = new bool[_inner.Count];
        for (int i = 0; i + 1 < _inner.Count; i++)
            _fusedRelu[i] = _inner[i] is BatchNormalization && _inner[i + 1] is ReLU;
        _skipIntoLast = _inner[^1] is Conv2D { Activation: Activation.None };
        _pipeline = PreActivationPipeline.TryCreate(_inner);
    }

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y, bool training)
    {
        RequireShapes(x, y);
        _buffers.Prepare(_inner, x.Dim(0));
        var outputs = _buffers.Outputs;
        _lastInput = x;
        _pipelined = WillPipeline;
        bool statisticsReady = training && ReferenceEquals(_statisticsReadyFor, x);
        _statisticsReadyFor = null;
        if (_pipelined)
        {
            var next = training && Next is { WillPipeline: true } n && n.InputShape.AsSpan().SequenceEqual(InputShape) ? n : null;
            var following = next?._pipeline!.FirstNorm;
            following?.BeginForwardItems(y, y, training: true, relu: true);
            _pipeline!.Forward(x, outputs, y, training, statisticsReady, following);
            if (following is not null)
            {
                following.FinishStatistics();
                following.EndItems();
                next!._statisticsReadyFor = y;
            }
            return;
        }
        var current = x;
        int last = _inner.Count - 1;
        for (int i = 0; i <= last; i++)
        {
            if (Fuse && _fusedRelu[i])
            {
                ((BatchNormalization)_inner[i]).ForwardRelu(current, outputs[i + 1], training);
                current = outputs[++i];
            }
            else if (Fuse && i == last && _skipIntoLast)
            {
                ((Conv2D)_inner[i]).ForwardPlusSkip(current, x, y);
                return;
            }
            else
            {
                _inner[i].Forward(current, outputs[i], training);
                current = outputs[i];
            }
        }
        System.Numerics.Tensors.TensorPrimitives.Add(x.Span, current.Span, y.Span);
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        // The branch receives dy unchanged (d(x + F)/dF = I); its input gradient is then added to the skip's.
        // A fused BatchNorm+ReLU pair is one step from the ReLU's output gradient to the BatchNorm's input gradient.
        var outputs = _buffers.Outputs;
        using var borrowed = _buffers.BorrowGradients();
        if (_pipelined)
        {
            _pipeline!.Backward(x, outputs, dy, dx, _buffers);
            return;
        }
        var g = dy;
        for (int i = _inner.Count - 1; i >= 0; i--)
        {
            bool fused = Fuse && i > 0 && _fusedRelu[i - 1];
            int first = fused ? i - 1 : i;
            var input = first == 0 ? x : outputs[first - 1];
            var gradIn = first > 0 || dx is not null ? _buffers.InputGradientBeside(first, g) : null;
            if (fused)
                ((BatchNormalization)_inner[first]).BackwardRelu(input, g, gradIn);
            else
                _inner[i].Backward(input, outputs[i], g, gradIn); // a skip-fused last Conv2D does not read its output
            if (gradIn is null)
                return;
            g = gradIn;
            i = first;
        }
        System.Numerics.Tensors.TensorPrimitives.Add(dy.Span, g.Span, dx!.Span);
    }

    /// <inheritdoc/>
    public override ulong KinkSignature(Tensor y)
    {
        if (_pipelined) // the pipeline keeps no ReLU outputs, whose signs are the kinks
            _pipeline!.RecomputeReluOutputs(_lastInput!, _buffers.Outputs);
        ulong h = 17;
        for (int i = 0; i < _inner.Count; i++)
            h = (h * 31) ^ _inner[i].KinkSignature(_buffers.Outputs[i]);
        return h;
    }
}
