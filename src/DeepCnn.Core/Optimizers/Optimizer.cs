using DeepCnn.Layers;

namespace DeepCnn.Optimizers;

/// <summary>Updates trainable parameters from their gradients.</summary>
public abstract class Optimizer
{
    /// <summary>Steps taken so far (Keras's <c>iterations</c>); settable so that a saved training can resume.</summary>
    public long Iterations { get; set; }

    /// <summary>Applies one update to every trainable parameter; non-trainable ones are left alone.</summary>
    public void Step(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Iterations++;
        foreach (var p in parameters)
            if (p.Trainable)
                Update(p);
    }

    /// <summary>Updates one parameter; <see cref="Iterations"/> is already the 1-based step number.</summary>
    protected abstract void Update(Parameter parameter);
}
