using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// Flattens each sample to a vector in Keras's channels-last order: element (c, h, w) of an NCHW
/// sample goes to index (h * W + w) * C + c, so a Dense kernel trained in Keras maps one to one.
/// </summary>
public sealed class Flatten : Layer
{
    /// <inheritdoc/>
    public override string TypeName => "Flatten";

    /// <inheritdoc/>
    public override string NamePrefix => "flatten";

    /// <inheritdoc/>
    protected override int[] ComputeOutputShape(int[] inputShape) => [SampleSize(inputShape)];

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y, bool training)
    {
        RequireShapes(x, y);
        if (InputShape.Length == 3)
            Layout.NchwToNhwc(x.Span, y.Span, x.Dim(0), InputShape[0], InputShape[1], InputShape[2]);
        else
            x.Span.CopyTo(y.Span);
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        if (dx is null)
            return;
        if (InputShape.Length == 3)
            Layout.NhwcToNchw(dy.Span, dx.Span, x.Dim(0), InputShape[1], InputShape[2], InputShape[0]);
        else
            dy.Span.CopyTo(dx.Span);
    }
}
