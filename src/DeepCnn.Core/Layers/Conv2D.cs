using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using DeepCnn.Initializers;
using DeepCnn.Kernels;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>Which implementation a <see cref="Conv2D"/> runs.</summary>
public enum ConvAlgorithm
{
    /// <summary>im2col followed by a GEMM (the general path).</summary>
    Im2Col,

    /// <summary>The nested-loop reference: slow, obviously correct.</summary>
    Reference,
}

/// <summary>
/// 2-D convolution (cross-correlation, as Keras's Conv2D), with optional fused activation.
/// Kernel [Cout, Cin, kh, kw], bias [Cout]; input [N, Cin, H, W], output [N, Cout, Hout, Wout].
/// </summary>
/// <remarks>
/// Forward per image: col = im2col(x) [Cin*kh*kw, Hout*Wout]; z = W [Cout, Cin*kh*kw] * col + b.
/// Backward per image: dW += dz * col^T; db += row sums of dz; dcol = W^T * dz; dx = col2im(dcol).
/// </remarks>
public sealed class Conv2D : ActivatedLayer
{
    private float[] _col = [];
    private float[] _dcol = [];
    private ConvGeometry _geometry;

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

    /// <summary>The implementation used; <see cref="ConvAlgorithm.Im2Col"/> unless changed (tests compare both).</summary>
    public ConvAlgorithm Algorithm { get; set; } = ConvAlgorithm.Im2Col;

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
    protected override void ForwardLinear(Tensor x, Tensor z)
    {
        var g = _geometry;
        int batch = x.Dim(0);
        var bias = Bias is null ? ReadOnlySpan<float>.Empty : Bias.Value.Span;
        if (Algorithm == ConvAlgorithm.Reference)
        {
            Conv2DReference.Forward(x.Span, Kernel.Value.Span, bias, z.Span, batch, g);
            return;
        }
        var col = Workspace.Rent(ref _col, [g.PatchSize, g.OutPlane]).Span;
        for (int n = 0; n < batch; n++)
        {
            var zn = z.Sample(n);
            Im2Col.Pack(x.Sample(n), col, g);
            Gemm.Multiply(Kernel.Value.Span, col, zn, g.OutChannels, g.PatchSize, g.OutPlane, accumulate: false);
            for (int o = 0; o < bias.Length; o++)
            {
                var row = zn.Slice(o * g.OutPlane, g.OutPlane);
                TensorPrimitives.Add(row, bias[o], row);
            }
        }
    }

    /// <inheritdoc/>
    protected override void BackwardLinear(Tensor x, Tensor dz, Tensor? dx)
    {
        var g = _geometry;
        int batch = x.Dim(0);
        var dbias = Bias is null ? Span<float>.Empty : Bias.Grad.Span;
        if (Algorithm == ConvAlgorithm.Reference)
        {
            Conv2DReference.BackwardWeights(x.Span, dz.Span, Kernel.Grad.Span, dbias, batch, g);
            if (dx is not null)
                Conv2DReference.BackwardInput(dz.Span, Kernel.Value.Span, dx.Span, batch, g);
            return;
        }
        var col = Workspace.Rent(ref _col, [g.PatchSize, g.OutPlane]).Span;
        var dcol = dx is null ? default : Workspace.Rent(ref _dcol, [g.PatchSize, g.OutPlane]).Span;
        for (int n = 0; n < batch; n++)
        {
            var dzn = dz.Sample(n);
            Im2Col.Pack(x.Sample(n), col, g);
            Gemm.MultiplyTransposedB(dzn, col, Kernel.Grad.Span, g.OutChannels, g.OutPlane, g.PatchSize, accumulate: true);
            for (int o = 0; o < dbias.Length; o++)
                dbias[o] += TensorPrimitives.Sum(dzn.Slice(o * g.OutPlane, g.OutPlane));
            if (dx is not null)
            {
                Gemm.MultiplyTransposedA(Kernel.Value.Span, dzn, dcol, g.PatchSize, g.OutChannels, g.OutPlane, accumulate: false);
                Im2Col.Unpack(dcol, dx.Sample(n), g);
            }
        }
    }
}
