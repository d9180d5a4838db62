namespace DeepCnn.Mnist;

/// <summary>The data sets by the names a command line uses for them, e.g. <c>--dataset fashion-mnist</c>.</summary>
public static class Datasets
{
    /// <summary>The name of MNIST.</summary>
    public const string MnistName = "mnist";

    /// <summary>The name of Fashion-MNIST.</summary>
    public const string FashionMnistName = "fashion-mnist";

    /// <summary>The known names.</summary>
    public static IReadOnlyList<string> Names { get; } = [MnistName, FashionMnistName];

    /// <summary>Loads the data set called <paramref name="name"/> (case-insensitive).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="dataDirectory">The directory to read from; each data set's default when null.</param>
    /// <param name="log">Where progress goes; standard error when null, <see cref="TextWriter.Null"/> for silence.</param>
    /// <returns>The train and test splits.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a known data set.</exception>
    /// <exception cref="DataFormatException">A file is invalid.</exception>
    /// <exception cref="DataUnavailableException">The data cannot be had.</exception>
    public static (ImageSet Train, ImageSet Test) Load(string name, string? dataDirectory = null, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            MnistName => Mnist.Load(dataDirectory, log),
            FashionMnistName => FashionMnist.Load(dataDirectory, log),
            _ => throw new ArgumentException($"unknown data set '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
