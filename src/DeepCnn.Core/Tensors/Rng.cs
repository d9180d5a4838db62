namespace DeepCnn.Tensors;

/// <summary>
/// A small, seeded, reproducible random number generator (xoshiro256**, seeded by SplitMix64).
/// Its whole state can be saved and restored, which the gradient checker uses to replay Dropout masks.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator from a seed; equal seeds give equal streams on every platform.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>The full generator state.</summary>
    public (ulong, ulong, ulong, ulong) State
    {
        get => (_s0, _s1, _s2, _s3);
        set => (_s0, _s1, _s2, _s3) = value;
    }

    /// <summary>A derived seed for a child stream, e.g. one per layer.</summary>
    public static ulong Derive(ulong seed, ulong stream)
    {
        ulong x = seed ^ (0x9E3779B97F4A7C15UL * (stream + 1));
        return SplitMix(ref x);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (every value is an exact float).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Fills <paramref name="values"/> with <see cref="NextFloat"/> draws, in order (the same numbers as that many calls).</summary>
    public void NextFloats(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = NextFloat();
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public float NextUniform(float lo, float hi) => lo + ((hi - lo) * NextFloat());

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0)
            throw new ArgumentOutOfRangeException(nameof(n), "The range must be positive.");
        return (int)((NextUInt64() >> 33) % (ulong)n);
    }

    /// <summary>A standard normal sample (Box-Muller).</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fills <paramref name="indices"/> with a uniformly random permutation of 0..n-1 (Fisher-Yates).</summary>
    public void Permutation(Span<int> indices)
    {
        for (int i = 0; i < indices.Length; i++)
            indices[i] = i;
        for (int i = indices.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
