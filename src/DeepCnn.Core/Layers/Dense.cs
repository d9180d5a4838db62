using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using DeepCnn.Initializers;
using DeepCnn.Kernels;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// Fully connected layer, as Keras's Dense: z = x W + b with kernel W [in, out] (Keras layout) and
/// bias [out]; input [N, in], output [N, out]; optional fused activation.
/// </summary>
/// <remarks>Backward: dW += x^T dz; db += column sums of dz; dx = dz W^T.</remarks>
public sealed class Dense : ActivatedLayer
{
    /// <summary>Creates a Dense layer as Keras's <c>Dense(units, activation, input_shape)</c>.</summary>
    /// <param name="units">Output features.</param>
    /// <param name="activation"><c>"relu"</c>, <c>"softmax"</c> or null.</param>
    /// <param name="inputShape">Per-sample input <c>(features)</c>, for the first layer.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Kernel initialization; Glorot uniform by default as in Keras.</param>
    public Dense(int units, string? activation = null, int[]? inputShape = null, bool useBias = true,
        Initializer kernelInitializer = Initializer.GlorotUniform)
        : base(ActivationNames.Parse(activation))
    {
        if (units < 1)
            throw new ArgumentOutOfRangeException(nameof(units), $"Dense needs at least one unit, got {units}.");
        Units = units;
        UseBias = useBias;
        KernelInitializer = kernelInitializer;
        if (inputShape is not null)
            DeclaredInputShape = ShapeFormat.FromKeras(inputShape);
    }

    /// <summary>Output features.</summary>
    public int Units { get; }

    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>How the kernel is initialized.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>The kernel [in, out].</summary>
    public Parameter Kernel { get; private set; } = null!;

    /// <summary>The bias [out], or null without bias.</summary>
    public Parameter? Bias { get; private set; }

    /// <inheritdoc/>
    public override string TypeName => "Dense";

    /// <inheritdoc/>
    public override string NamePrefix => "dense";

    private int InFeatures => InputShape[0];

    /// <inheritdoc/>
    protected override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 1)
            throw new ShapeMismatchException($"Dense needs a flat input (features), got {ShapeFormat.FormatKerasBatch(inputShape)}: add a Flatten layer before it.");
        return [Units];
    }

    /// <inheritdoc/>
    protected override void CreateParameters(Rng rng)
    {
        var kernel = new Tensor(InFeatures, Units);
        WeightInit.Fill(kernel.Span, KernelInitializer, InFeatures, Units, rng);
        Kernel = AddParameter("kernel", kernel);
        if (UseBias)
            Bias = AddParameter("bias", new Tensor(Units));
    }

    /// <inheritdoc/>
    protected override void ForwardLinear(Tensor x, Tensor z)
    {
        int batch = x.Dim(0);
        Gemm.Multiply(x.Span, Kernel.Value.Span, z.Span, batch, InFeatures, Units, accumulate: false);
        if (Bias is not null)
        {
            var zs = z.Span;
            for (int n = 0; n < batch; n++)
            {
                var row = zs.Slice(n * Units, Units);
                TensorPrimitives.Add(row, Bias.Value.Span, row);
            }
        }
    }

    /// <inheritdoc/>
    protected override void BackwardLinear(Tensor x, Tensor dz, Tensor? dx)
    {
        int batch = x.Dim(0);
        Gemm.MultiplyTransposedA(x.Span, dz.Span, Kernel.Grad.Span, InFeatures, batch, Units, accumulate: true);
        if (Bias is not null)
        {
            var db = Bias.Grad.Span;
            for (int n = 0; n < batch; n++)
                TensorPrimitives.Add(db, dz.Span.Slice(n * Units, Units), db);
        }
        if (dx is not null)
            Gemm.MultiplyTransposedB(dz.Span, Kernel.Value.Span, dx.Span, batch, Units, InFeatures, accumulate: false);
    }
}
