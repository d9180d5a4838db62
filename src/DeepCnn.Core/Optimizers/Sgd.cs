using DeepCnn.Layers;

namespace DeepCnn.Optimizers;

/// <summary>
/// Stochastic gradient descent as Keras's SGD: without momentum w -= lr * g; with momentum
/// velocity = momentum * velocity - lr * g and w += velocity.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Dictionary<Parameter, float[]> _velocity = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates SGD with Keras's defaults (lr 0.01, no momentum).</summary>
    public Sgd(double learningRate = 0.01, double momentum = 0)
    {
        if (!(learningRate > 0))
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"SGD learning rate must be positive, got {learningRate}.");
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), $"SGD momentum must be in [0, 1), got {momentum}.");
        LearningRate = learningRate;
        Momentum = momentum;
    }

    /// <summary>Learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>Momentum (0 for plain SGD).</summary>
    public double Momentum { get; }

    /// <summary>The momentum velocity of a parameter (zeros before its first update).</summary>
    public float[] Velocity(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_velocity.TryGetValue(parameter, out var v))
            _velocity[parameter] = v = new float[parameter.Count];
        return v;
    }

    /// <inheritdoc/>
    protected override void Update(Parameter parameter)
    {
        var w = parameter.Value.Span;
        var g = parameter.Grad.Span;
        float lr = (float)LearningRate;
        if (Momentum == 0)
        {
            for (int i = 0; i < w.Length; i++)
                w[i] -= lr * g[i];
            return;
        }
        var vel = Velocity(parameter);
        float mom = (float)Momentum;
        for (int i = 0; i < w.Length; i++)
        {
            vel[i] = (mom * vel[i]) - (lr * g[i]);
            w[i] += vel[i];
        }
    }
}
