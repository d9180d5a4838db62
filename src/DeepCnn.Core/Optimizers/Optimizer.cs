using DeepCnn.Layers;

namespace DeepCnn.Optimizers;

/// <summary>Updates trainable parameters from their gradients.</summary>
public abstract class Optimizer
{
    /// <summary>Steps taken so far (Keras's <c>iterations</c>); settable so that a saved training can resume.</summary>
    public long Iterations { get; set; }

    /// <summary>Applies one update to every trainable parameter; non-trainable ones are left alone.</summary>
    public void Step(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Iterations++;
        // An indexed loop: a foreach over the interface would allocate an enumerator every step.
        for (int i = 0; i < parameters.Count; i++)
            if (parameters[i].Trainable)
                Update(parameters[i]);
    }

    /// <summary>Updates one parameter; <see cref="Iterations"/> is already the 1-based step number.</summary>
    protected abstract void Update(Parameter parameter);
}
