namespace DeepCnn.Mnist.Tests;

/// <summary>Fashion-MNIST error paths, on generated data so that the Debian package need not be installed.</summary>
public sealed class FashionMnistTests
{
    [Fact]
    public void A_directory_without_the_files_explains_how_to_get_them()
    {
        using var directory = new TemporaryDirectory();

        var error = Assert.Throws<DataUnavailableException>(() => FashionMnist.Load(directory.Path, TextWriter.Null));

        Assert.Contains("Fashion-MNIST is not available: could not obtain train-images-idx3-ubyte", error.Message);
        Assert.Contains($"{directory.Path} (data directory)", error.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
    }

    [Fact]
    public void Files_that_are_not_fashion_mnist_are_rejected()
    {
        using var directory = new TemporaryDirectory();
        Synthetic.Dataset(seed: 19).WriteTo(directory.Path, gzip: true);

        var error = Assert.Throws<DataFormatException>(() => FashionMnist.Load(directory.Path, TextWriter.Null));

        Assert.Contains("size mismatch", error.Message);
        Assert.EndsWith(".gz", error.FileName, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_sets_are_chosen_by_name()
    {
        using var directory = new TemporaryDirectory();

        Assert.Throws<DataUnavailableException>(() => Datasets.Load("Fashion-MNIST", directory.Path, TextWriter.Null));
        var error = Assert.Throws<ArgumentException>(() => Datasets.Load("cifar10"));
        Assert.Contains("unknown data set 'cifar10'; known: mnist, fashion-mnist", error.Message);
    }
}
