using DeepCnn.Optimizers;

namespace DeepCnn.Serialization;

/// <summary>
/// What a saved training needs beyond the weights to resume bit for bit: the optimizer (type,
/// hyper-parameters and step count; its per-parameter tensors travel in the tensor directory), the
/// model's training step count, its shuffling generator and every Dropout layer's generator, by
/// layer path (see <see cref="LayerPaths"/>), nested ones included.
/// </summary>
internal sealed record TrainingState(
    Optimizer Optimizer,
    long TrainSteps,
    (ulong, ulong, ulong, ulong) ShuffleState,
    IReadOnlyList<(string Layer, (ulong, ulong, ulong, ulong) State)> DropoutStates);
