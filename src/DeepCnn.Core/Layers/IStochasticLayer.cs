using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// A layer that draws random numbers in its forward pass. Saving and restoring
/// <see cref="Rng.State"/> replays the same draws: the gradient checker does this before every
/// perturbed forward so that Dropout keeps one mask.
/// </summary>
public interface IStochasticLayer
{
    /// <summary>The layer's random source.</summary>
    Rng Random { get; }
}
