using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using DeepCnn.Initializers;
using DeepCnn.Kernels;
using DeepCnn.Parallel;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// 2-D convolution (cross-correlation, as Keras's Conv2D), with optional fused activation.
/// Kernel [Cout, Cin, kh, kw], bias [Cout]; input [N, Cin, H, W], output [N, Cout, Hout, Wout].
/// </summary>
/// <remarks>
/// Forward per image: z = W [Cout, Cin*kh*kw] * im2col(x) + b, the im2col matrix explicit
/// (<see cref="ConvAlgorithm.Im2Col"/>) or implicit (<see cref="ConvAlgorithm.Direct"/>), with bias
/// and ReLU applied in the GEMM epilogue. Backward per image: dW += dz * col^T; db += row sums of
/// dz; dx = col2im(W^T * dz), with the ReLU mask applied while dz is laid out. Batch items run in
/// parallel (<see cref="Compute"/>); each writes its own partial weight gradient, and the partials
/// are added in item order, so the result does not depend on the thread count.
/// </remarks>
public sealed class Conv2D : ActivatedLayer
{
    private readonly Conv2DForwardWork _forward = new();
    private readonly Conv2DBackwardWork _backward = new();
    private ConvGeometry _geometry;
    private ConvolutionPlan? _plan;

    /// <summary>Creates a Conv2D as Keras's <c>Conv2D(filters, kernel_size, strides, padding, activation, input_shape)</c>.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelSize">Square kernel side.</param>
    /// <param name="strides">Stride in both directions.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="activation"><c>"relu"</c>, <c>"softmax"</c> or null.</param>
    /// <param name="inputShape">Per-sample input in Keras order (height, width, channels), for the first layer.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Kernel initialization; Glorot uniform by default as in Keras.</param>
    public Conv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", string? activation = null,
        int[]? inputShape = null, bool useBias = true, Initializer kernelInitializer = Initializer.GlorotUniform)
        : base(ActivationNames.Parse(activation))
    {
        if (filters < 1)
            throw new ArgumentOutOfRangeException(nameof(filters), $"Conv2D needs at least one filter, got {filters}.");
        if (kernelSize < 1)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"Conv2D kernel size must be at least 1, got {kernelSize}.");
        if (strides < 1)
            throw new ArgumentOutOfRangeException(nameof(strides), $"Conv2D strides must be at least 1, got {strides}.");
        Filters = filters;
        KernelSize = kernelSize;
        Strides = strides;
        Padding = padding?.ToLowerInvariant() switch
        {
            "valid" => Kernels.Padding.Valid,
            "same" => Kernels.Padding.Same,
            _ => throw new ArgumentException($"Conv2D padding must be \"valid\" or \"same\", got \"{padding}\".", nameof(padding)),
        };
        UseBias = useBias;
        KernelInitializer = kernelInitializer;
        if (inputShape is not null)
            DeclaredInputShape = ShapeFormat.FromKeras(inputShape);
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }

    /// <summary>Square kernel side.</summary>
    public int KernelSize { get; }

    /// <summary>Stride.</summary>
    public int Strides { get; }

    /// <summary>Border handling.</summary>
    public Padding Padding { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>How the kernel is initialized.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>The implementation used; <see cref="ConvAlgorithm.Auto"/> unless changed (tests and benchmarks compare them).</summary>
    public ConvAlgorithm Algorithm { get; set; } = ConvAlgorithm.Auto;

    /// <summary>The implementation <see cref="Algorithm"/> resolves to for this layer's shape.</summary>
    public ConvAlgorithm EffectiveAlgorithm => Algorithm switch
    {
        ConvAlgorithm.Auto or ConvAlgorithm.Direct when _geometry.Stride == 1 => ConvAlgorithm.Direct,
        ConvAlgorithm.Reference => ConvAlgorithm.Reference,
        _ => ConvAlgorithm.Im2Col,
    };

    /// <summary>The kernel [Cout, Cin, kh, kw].</summary>
    public Parameter Kernel { get; private set; } = null!;

    /// <summary>The bias [Cout], or null without bias.</summary>
    public Parameter? Bias { get; private set; }

    /// <summary>The sizes of this convolution, known once built.</summary>
    public ConvGeometry Geometry => _geometry;

    /// <inheritdoc/>
    public override string TypeName => "Conv2D";

    /// <inheritdoc/>
    public override string NamePrefix => "conv2d";

    /// <inheritdoc/>
    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3)
            throw new ShapeMismatchException($"Conv2D needs an image input (height, width, channels), got {ShapeFormat.FormatKerasBatch(inputShape)}.");
        var g = ConvGeometry.Create(inputShape[0], inputShape[1], inputShape[2], Filters, KernelSize, KernelSize, Strides, Padding);
        if (g.OutHeight < 1 || g.OutWidth < 1)
            throw new ShapeMismatchException($"Conv2D kernel {KernelSize}x{KernelSize} with \"{Padding.ToString().ToLowerInvariant()}\" padding does not fit input {ShapeFormat.FormatKerasBatch(inputShape)}: the output would be empty.");
        _geometry = g;
        return [Filters, g.OutHeight, g.OutWidth];
    }

    /// <inheritdoc/>
    protected override void CreateParameters(Rng rng)
    {
        var g = _geometry;
        var kernel = new Tensor(g.OutChannels, g.InChannels, g.KernelHeight, g.KernelWidth);
        int receptive = g.KernelHeight * g.KernelWidth;
        WeightInit.Fill(kernel.Span, KernelInitializer, receptive * g.InChannels, receptive * g.OutChannels, rng);
        Kernel = AddParameter("kernel", kernel);
        if (UseBias)
            Bias = AddParameter("bias", new Tensor(g.OutChannels));
    }

    /// <inheritdoc/>
    protected override void ForwardLinear(Tensor x, Tensor z) => RunForward(x, z, relu: false);

    /// <inheritdoc/>
    protected override void ForwardLinearRelu(Tensor x, Tensor y)
    {
        if (EffectiveAlgorithm == ConvAlgorithm.Reference)
            base.ForwardLinearRelu(x, y);
        else
            RunForward(x, y, relu: true);
    }

    /// <inheritdoc/>
    protected override void BackwardLinear(Tensor x, Tensor dz, Tensor? dx) => RunBackward(x, null, dz, dx);

    /// <inheritdoc/>
    protected override void BackwardLinearRelu(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        if (EffectiveAlgorithm == ConvAlgorithm.Reference)
            base.BackwardLinearRelu(x, y, dy, dx);
        else
            RunBackward(x, y, dy, dx);
    }

    /// <summary>
    /// y = conv(x) + b + skip, for a layer without activation that ends a residual branch: the
    /// identity path is added while y is written instead of in a pass of its own. Bit-identical to
    /// <see cref="Layer.Forward"/> followed by adding <paramref name="skip"/>.
    /// </summary>
    internal void ForwardPlusSkip(Tensor x, Tensor skip, Tensor y)
    {
        if (Activation != Activation.None)
            throw new InvalidOperationException($"{Name}: a skip can only be added to a linear output, but this layer applies {Activation}.");
        RequireShapes(x, y);
        if (!y.HasShape(skip.Shape)) // formats the message only on failure: the steady state allocates nothing
            Tensor.RequireSameShape(y, skip, $"{Name} skip");
        RunForward(x, y, relu: false, skip);
    }

    private void RunForward(Tensor x, Tensor y, bool relu, Tensor? skip = null)
    {
        if (EffectiveAlgorithm == ConvAlgorithm.Reference)
        {
            var bias = Bias is null ? ReadOnlySpan<float>.Empty : Bias.Value.Span;
            Conv2DReference.Forward(x.Span, Kernel.Value.Span, bias, y.Span, x.Dim(0), _geometry);
            if (skip is not null)
                TensorPrimitives.Add(y.Span, skip.Span, y.Span);
            return;
        }
        BeginForwardItems(x, y, relu, skip);
        try
        {
            Compute.For(_forward, x.Dim(0));
        }
        finally
        {
            _forward.Clear();
        }
    }

    // reluOutput: y of a fused ReLU, whose mask turns dy into dz; null when dy already is dz.
    private void RunBackward(Tensor x, Tensor? reluOutput, Tensor dy, Tensor? dx)
    {
        if (EffectiveAlgorithm == ConvAlgorithm.Reference)
        {
            var dbias = Bias is null ? Span<float>.Empty : Bias.Grad.Span;
            Conv2DReference.BackwardWeights(x.Span, dy.Span, Kernel.Grad.Span, dbias, x.Dim(0), _geometry);
            if (dx is not null)
                Conv2DReference.BackwardInput(dy.Span, Kernel.Value.Span, dx.Span, x.Dim(0), _geometry);
            return;
        }
        BeginBackwardItems(x, reluOutput, dy, dx);
        try
        {
            Compute.For(_backward, x.Dim(0));
        }
        finally
        {
            EndBackwardItems(x.Dim(0));
        }
    }

    // The item passes below let a residual block run this layer item by item inside a parallel loop
    // of its own, fused with its neighbours (shapes checked by the caller). Not for the reference algorithm.

    /// <summary>Whether <see cref="ForwardItem(int)"/> and <see cref="BackwardItem(int)"/> are available (every algorithm but the reference).</summary>
    internal bool HasItemPasses => EffectiveAlgorithm != ConvAlgorithm.Reference;

    /// <summary>Sets up a forward pass run item by item with <see cref="ForwardItem(int)"/>; <see cref="EndForwardItems"/> ends it.</summary>
    internal void BeginForwardItems(Tensor x, Tensor y, bool relu, Tensor? skip)
    {
        var work = _forward;
        work.Plan = Plan();
        (work.X, work.Y, work.Weights, work.Bias, work.Relu, work.Skip) = (x, y, Kernel.Value, Bias?.Value, relu, skip);
    }

    /// <summary>The forward of batch item <paramref name="item"/>.</summary>
    internal void ForwardItem(int item) => _forward.Execute(item);

    /// <summary>The forward of batch item <paramref name="item"/> from <paramref name="input"/> ([Cin, H, W]) instead of its slice of x.</summary>
    internal void ForwardItem(int item, ReadOnlySpan<float> input) => _forward.Execute(item, input);

    /// <summary>Ends a forward pass begun with <see cref="BeginForwardItems"/>.</summary>
    internal void EndForwardItems() => _forward.Clear();

    /// <summary>Sets up a backward pass run item by item with <see cref="BackwardItem(int)"/>; <see cref="EndBackwardItems"/> adds up the gradients.</summary>
    internal void BeginBackwardItems(Tensor x, Tensor? reluOutput, Tensor dy, Tensor? dx)
    {
        var plan = Plan();
        plan.PrepareBackward(Kernel.Value.Span);
        var work = _backward;
        int batch = x.Dim(0);
        ScratchTensor.Grow(ref work.WeightPartials, batch * Kernel.Value.Length);
        ScratchTensor.Grow(ref work.BiasPartials, batch * _geometry.OutChannels);
        (work.Plan, work.X, work.Dy, work.ReluOutput, work.Dx, work.HasBias) = (plan, x, dy, reluOutput, dx, Bias is not null);
    }

    /// <summary>The backward of batch item <paramref name="item"/>: its dx and its share of the parameter gradients.</summary>
    internal void BackwardItem(int item) => _backward.Execute(item);

    /// <summary>The backward of batch item <paramref name="item"/>, whose input was <paramref name="input"/> ([Cin, H, W]) rather than its slice of x.</summary>
    internal void BackwardItem(int item, ReadOnlySpan<float> input) => _backward.Execute(item, input);

    /// <summary>Ends a backward pass: adds the items' parameter gradients in item order (the sum then does not depend on the threads).</summary>
    internal void EndBackwardItems(int batch)
    {
        var work = _backward;
        work.Clear();
        int wSize = Kernel.Value.Length, outChannels = _geometry.OutChannels;
        var dw = Kernel.Grad.Span;
        for (int n = 0; n < batch; n++)
            TensorPrimitives.Add(dw, work.WeightPartials.AsSpan(n * wSize, wSize), dw);
        if (Bias is not null)
        {
            var db = Bias.Grad.Span;
            for (int n = 0; n < batch; n++)
                TensorPrimitives.Add(db, work.BiasPartials.AsSpan(n * outChannels, outChannels), db);
        }
    }

    private ConvolutionPlan Plan()
    {
        var algorithm = EffectiveAlgorithm;
        bool fits = algorithm == ConvAlgorithm.Direct ? _plan is DirectConvolution : _plan is Im2ColConvolution;
        if (!fits)
            _plan = algorithm == ConvAlgorithm.Direct ? new DirectConvolution(_geometry) : new Im2ColConvolution(_geometry);
        return _plan!;
    }
}
