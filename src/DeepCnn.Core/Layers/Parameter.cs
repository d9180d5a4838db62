using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// A named weight tensor with its gradient. Trainable parameters are updated by the optimizer;
/// non-trainable ones (BatchNormalization's moving statistics) are state that training updates
/// by other means and that still counts in <c>Summary()</c>, as in Keras.
/// </summary>
public sealed class Parameter
{
    internal Parameter(string name, Tensor value, bool trainable)
    {
        Name = name;
        Value = value;
        Trainable = trainable;
        Grad = new Tensor(value.Shape.ToArray());
    }

    internal Parameter(string name, Tensor value, Tensor grad, bool trainable)
    {
        Name = name;
        Value = value;
        Grad = grad;
        Trainable = trainable;
    }

    /// <summary>The parameter's name within its layer, e.g. <c>kernel</c>, <c>bias</c>, <c>gamma</c>.</summary>
    public string Name { get; }

    /// <summary>The weights.</summary>
    public Tensor Value { get; }

    /// <summary>The gradient of the loss with respect to <see cref="Value"/>; backward passes add into it.</summary>
    public Tensor Grad { get; }

    /// <summary>Whether the optimizer updates this parameter.</summary>
    public bool Trainable { get; }

    /// <summary>Number of scalars.</summary>
    public int Count => Value.Length;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {ShapeFormat.Format(Value.Shape)}{(Trainable ? "" : " (non-trainable)")}";
}
