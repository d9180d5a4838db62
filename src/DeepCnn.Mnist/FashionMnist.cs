using DeepCnn.Mnist.Acquisition;

namespace DeepCnn.Mnist;

/// <summary>
/// Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of 28x28 clothing items in
/// 10 classes, in the same IDX format as MNIST.
/// </summary>
/// <remarks>
/// There is no download: the files come from Debian's package <c>dataset-fashion-mnist</c>, which
/// installs them gzipped in <see cref="DebianDirectory"/>, or from any directory holding the four
/// files raw or gzipped. They are verified like MNIST's.
/// </remarks>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// The four files with the length and SHA-256 of their uncompressed bytes, as installed by
    /// <c>dataset-fashion-mnist</c> 0.0~git20200523.55506a9-1.
    /// </summary>
    public static IReadOnlyList<DatasetFile> Files { get; } =
    [
        new(IdxFileNames.TrainImages, 47_040_016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        new(IdxFileNames.TrainLabels, 60_008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        new(IdxFileNames.TestImages, 7_840_016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        new(IdxFileNames.TestLabels, 10_008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    ];

    /// <summary>The class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads the train and test splits from <paramref name="directory"/>.</summary>
    /// <param name="directory">The directory holding the files; <see cref="DebianDirectory"/> when null.</param>
    /// <param name="log">Where messages go; standard error when null, <see cref="TextWriter.Null"/> for silence.</param>
    /// <returns>60,000 training and 10,000 test images of 28x28, with labels 0 to 9.</returns>
    /// <exception cref="DataFormatException">A file is not the genuine Fashion-MNIST file.</exception>
    /// <exception cref="DataUnavailableException">The directory or a file is missing or unreadable.</exception>
    public static (ImageSet Train, ImageSet Test) Load(string? directory = null, TextWriter? log = null)
    {
        var fetcher = new DatasetFetcher("Fashion-MNIST", Files, sources: [])
        {
            DataDirectory = directory ?? DebianDirectory,
            Log = log ?? Console.Error,
            ManualInstructions =
                "install Debian's package (apt-get install dataset-fashion-mnist), which puts them in "
                + $"{DebianDirectory}, or pass a directory holding {string.Join(", ", Files.Select(file => file.Name))} (raw or .gz).",
        };
        return SplitParser.Parse(fetcher.Acquire());
    }
}
