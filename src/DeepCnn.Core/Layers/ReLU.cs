using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using DeepCnn.Kernels;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// y = max(x, 0). Backward: dx = dy where y &gt; 0, else 0 (the subgradient at 0 is taken as 0,
/// as in Keras and PyTorch).
/// </summary>
public sealed class ReLU : Layer
{
    /// <inheritdoc/>
    public override string TypeName => "ReLU";

    /// <inheritdoc/>
    public override string NamePrefix => "re_lu";

    /// <inheritdoc/>
    protected override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y, bool training)
    {
        RequireShapes(x, y);
        TensorPrimitives.Max(x.Span, 0f, y.Span);
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        if (dx is not null)
            Elementwise.ReluMask(y.Span, dy.Span, dx.Span);
    }

    /// <inheritdoc/>
    public override ulong KinkSignature(Tensor y) => Kinks.PositiveMask(y.Span);
}
