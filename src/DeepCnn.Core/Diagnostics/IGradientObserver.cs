using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Diagnostics;

/// <summary>
/// Watches the inside of a training step: every layer's gradients as backward produces them, then
/// the model before and after the optimizer's update. Observers only read.
/// </summary>
public interface IGradientObserver
{
    /// <summary>Whether to watch training step <paramref name="step"/> (0-based); unwatched steps cost nothing.</summary>
    bool ShouldRecord(long step);

    /// <summary>
    /// Layer <paramref name="layerIndex"/> has run backward: <paramref name="outputGradient"/> is
    /// dL/d(its output) — for a softmax output followed by cross-entropy, dL/d(logits) — and
    /// <paramref name="inputGradient"/> is dL/d(its input), null for the first layer. Both are views of
    /// buffers that later layers overwrite: read them now.
    /// </summary>
    void OnLayerBackward(long step, int layerIndex, Tensor outputGradient, Tensor? inputGradient);

    /// <summary>Backward is complete: activations (<see cref="Sequential.LayerOutput"/>) and parameter gradients are in place; weights are not yet updated.</summary>
    void AfterBackward(long step, Sequential model);

    /// <summary>The optimizer has updated the weights.</summary>
    void AfterUpdate(long step, Sequential model);
}
