using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using DeepCnn.Kernels;
using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// Inverted dropout, as Keras's Dropout: in training each element is zeroed with probability
/// <see cref="Rate"/> and the survivors are scaled by 1 / (1 - rate), so the expected output equals
/// the input; at inference it is the identity. The mask comes from the layer's own seeded
/// <see cref="Rng"/>. Backward: dx = dy * mask.
/// </summary>
public sealed class Dropout : Layer, IStochasticLayer
{
    private readonly ulong? _seed;
    private float[] _mask = [];
    private bool _lastTraining;

    /// <summary>Creates a dropout layer; <paramref name="seed"/> fixes its masks, otherwise the model's seed does.</summary>
    public Dropout(double rate, ulong? seed = null)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentOutOfRangeException(nameof(rate), $"Dropout rate must be in [0, 1), got {rate}.");
        Rate = rate;
        _seed = seed;
    }

    /// <summary>The explicit mask seed, or null when the model's seed is used.</summary>
    public ulong? Seed => _seed;

    /// <summary>The probability of dropping an element.</summary>
    public double Rate { get; }

    /// <inheritdoc/>
    public Rng Random { get; private set; } = new(0);

    /// <inheritdoc/>
    public override string TypeName => "Dropout";

    /// <inheritdoc/>
    public override string NamePrefix => "dropout";

    /// <inheritdoc/>
    protected override int[] ComputeOutputShape(int[] inputShape) => (int[])inputShape.Clone();

    /// <inheritdoc/>
    protected override void CreateParameters(Rng rng) => Random = new Rng(_seed ?? rng.NextUInt64());

    /// <inheritdoc/>
    public override void Forward(Tensor x, Tensor y, bool training)
    {
        RequireShapes(x, y);
        _lastTraining = training && Rate > 0;
        if (!_lastTraining)
        {
            x.Span.CopyTo(y.Span);
            return;
        }
        var mask = ScratchTensor.Grow(ref _mask, x.Length);
        float keep = (float)(1.0 - Rate);
        float scale = 1f / keep;
        // The draws stay sequential (one stream per layer keeps the masks reproducible); the rest is vectorized.
        Random.NextFloats(mask);
        Elementwise.KeepMask(mask, keep, scale);
        TensorPrimitives.Multiply(x.Span, mask, y.Span);
    }

    /// <inheritdoc/>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor? dx)
    {
        RequireShapes(x, y);
        if (dx is null)
            return;
        if (!_lastTraining)
        {
            dy.Span.CopyTo(dx.Span);
            return;
        }
        TensorPrimitives.Multiply(dy.Span, _mask.AsSpan(0, dy.Length), dx.Span);
    }
}
