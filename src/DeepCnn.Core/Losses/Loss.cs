using DeepCnn.Tensors;

namespace DeepCnn.Losses;

/// <summary>A loss averaged over the batch (Keras's SUM_OVER_BATCH_SIZE reduction).</summary>
public abstract class Loss
{
    /// <summary>The Keras name, e.g. <c>categorical_crossentropy</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The mean loss of predictions [N, K] against targets [N, K]; when <paramref name="gradient"/>
    /// is not null it receives dL/dpredictions of that mean.
    /// </summary>
    public abstract double Compute(Tensor predictions, Tensor targets, Tensor? gradient);

    /// <summary>Throws unless predictions and targets are both [N, ...] with the same shape.</summary>
    protected void RequireMatching(Tensor predictions, Tensor targets, Tensor? gradient)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        Tensor.RequireSameShape(predictions, targets, $"{Name}: predictions vs targets");
        if (gradient is not null)
            Tensor.RequireSameShape(predictions, gradient, $"{Name}: predictions vs gradient");
        if (predictions.Rank < 2 || predictions.Dim(0) == 0)
            throw new ShapeMismatchException($"{Name}: predictions must be [batch, classes] with a non-empty batch, got {ShapeFormat.Format(predictions.Shape)}.");
    }
}
