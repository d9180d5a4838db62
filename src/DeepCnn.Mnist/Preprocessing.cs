namespace DeepCnn.Mnist;

/// <summary>The two conversions every MNIST notebook does before training: scaling and one-hot encoding.</summary>
public static class Preprocessing
{
    /// <summary>The number of classes in MNIST and Fashion-MNIST.</summary>
    public const int DefaultClassCount = 10;

    /// <summary>Scales bytes to [0, 1] by dividing by 255, like <c>x / 255.0</c> in the notebook.</summary>
    /// <param name="pixels">The bytes to scale.</param>
    /// <returns>One float per byte.</returns>
    public static float[] ScaleToUnit(ReadOnlySpan<byte> pixels)
    {
        var scaled = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            scaled[i] = pixels[i] / 255f;
        }

        return scaled;
    }

    /// <summary>One-hot encodes labels, like Keras's <c>to_categorical(labels, classCount)</c>.</summary>
    /// <param name="labels">The labels, each below <paramref name="classCount"/>.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <returns>labels.Length × <paramref name="classCount"/> floats, row-major, a single 1 per row.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A label is not below <paramref name="classCount"/>.</exception>
    public static float[] ToCategorical(ReadOnlySpan<byte> labels, int classCount = DefaultClassCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        var encoded = new float[(long)labels.Length * classCount];
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(labels), $"label {labels[i]} at index {i} is not below the class count {classCount}");
            }

            encoded[((long)i * classCount) + labels[i]] = 1f;
        }

        return encoded;
    }
}
