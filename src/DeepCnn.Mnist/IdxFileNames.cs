namespace DeepCnn.Mnist;

/// <summary>
/// The names of the four files of an MNIST-style data set, shared by MNIST and Fashion-MNIST.
/// A directory may hold each one raw or gzipped (the same name plus <c>.gz</c>).
/// </summary>
public static class IdxFileNames
{
    /// <summary>The training images.</summary>
    public const string TrainImages = "train-images-idx3-ubyte";

    /// <summary>The training labels.</summary>
    public const string TrainLabels = "train-labels-idx1-ubyte";

    /// <summary>The test images.</summary>
    public const string TestImages = "t10k-images-idx3-ubyte";

    /// <summary>The test labels.</summary>
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>The suffix of a gzipped copy of a file.</summary>
    public const string GzipSuffix = ".gz";
}
