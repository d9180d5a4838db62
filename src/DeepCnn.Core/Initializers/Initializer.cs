using DeepCnn.Tensors;

namespace DeepCnn.Initializers;

/// <summary>Weight initialization schemes, with Keras's definitions.</summary>
public enum Initializer
{
    /// <summary>Keras's default: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)).</summary>
    GlorotUniform,

    /// <summary>Keras's he_normal: a normal with stddev sqrt(2 / fan_in), truncated at two standard deviations.</summary>
    HeNormal,

    /// <summary>Keras's he_uniform: U(-l, l) with l = sqrt(6 / fan_in).</summary>
    HeUniform,

    /// <summary>All zeros.</summary>
    Zeros,

    /// <summary>All ones.</summary>
    Ones,
}

/// <summary>Fills weight tensors according to an <see cref="Initializer"/>.</summary>
public static class WeightInit
{
    // Keras divides the stddev by this constant so the truncated normal keeps the requested variance
    // (the stddev of a standard normal truncated to [-2, 2]).
    private const double TruncatedNormalStddev = 0.87962566103423978;

    /// <summary>
    /// Fills <paramref name="weights"/>. Fans as Keras computes them: for a conv kernel,
    /// fan_in = kh*kw*in_channels and fan_out = kh*kw*out_channels; for a dense kernel, in and out.
    /// </summary>
    public static void Fill(Span<float> weights, Initializer init, int fanIn, int fanOut, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        switch (init)
        {
            case Initializer.GlorotUniform:
                Uniform(weights, Math.Sqrt(6.0 / Math.Max(1, fanIn + fanOut)), rng);
                break;
            case Initializer.HeUniform:
                Uniform(weights, Math.Sqrt(6.0 / Math.Max(1, fanIn)), rng);
                break;
            case Initializer.HeNormal:
                double std = Math.Sqrt(2.0 / Math.Max(1, fanIn)) / TruncatedNormalStddev;
                for (int i = 0; i < weights.Length; i++)
                {
                    double z;
                    do
                        z = rng.NextNormal();
                    while (Math.Abs(z) > 2.0);
                    weights[i] = (float)(z * std);
                }
                break;
            case Initializer.Zeros:
                weights.Clear();
                break;
            case Initializer.Ones:
                weights.Fill(1f);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown initializer.");
        }
    }

    private static void Uniform(Span<float> weights, double limit, Rng rng)
    {
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)(((2.0 * rng.NextDouble()) - 1.0) * limit);
    }
}
