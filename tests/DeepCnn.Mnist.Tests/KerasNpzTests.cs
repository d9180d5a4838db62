using DeepCnn.Mnist.Npz;

namespace DeepCnn.Mnist.Tests;

public sealed class KerasNpzTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly ImageSet _train = Synthetic.ImageSet(8, 3, 4, seed: 5);
    private readonly ImageSet _test = Synthetic.ImageSet(5, 3, 4, seed: 6);

    public void Dispose() => _directory.Dispose();

    private string WriteArchive(IReadOnlyDictionary<string, byte[]> entries)
    {
        var path = _directory.Combine(KerasNpz.FileName);
        File.WriteAllBytes(path, NpzFiles.Archive(entries));
        return path;
    }

    [Fact]
    public void Loads_both_splits()
    {
        var (train, test) = KerasNpz.Load(WriteArchive(NpzFiles.MnistEntries(_train, _test)));

        Assert.Equal(_train.Images, train.Images);
        Assert.Equal(_train.Labels, train.Labels);
        Assert.Equal((3, 4), (train.Rows, train.Cols));
        Assert.Equal(_test.Images, test.Images);
        Assert.Equal(_test.Labels, test.Labels);
    }

    [Fact]
    public void A_missing_array_is_named()
    {
        var entries = NpzFiles.MnistEntries(_train, _test);
        entries.Remove("y_test.npy");
        var path = WriteArchive(entries);

        var error = Assert.Throws<DataFormatException>(() => KerasNpz.Load(path));

        Assert.Equal($"{path}: missing array: the archive has no y_test.npy", error.Message);
    }

    [Fact]
    public void Counts_must_agree()
    {
        var entries = NpzFiles.MnistEntries(_train, _test);
        entries["y_train.npy"] = NpzFiles.Npy([3], [1, 2, 3]);
        var path = WriteArchive(entries);

        var error = Assert.Throws<DataFormatException>(() => KerasNpz.Load(path));

        Assert.StartsWith($"{path}/y_train.npy: count mismatch: 3 labels, but {path}/x_train.npy holds 8 images", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_must_be_digits()
    {
        var entries = NpzFiles.MnistEntries(_train, _test);
        entries["y_test.npy"] = NpzFiles.Npy([5], [0, 1, 2, 200, 4]);

        var error = Assert.Throws<DataFormatException>(() => KerasNpz.Load(WriteArchive(entries)));

        Assert.Contains("y_test.npy: label value 200 at index 3 is out of range", error.Message);
    }

    [Fact]
    public void Images_must_have_three_axes()
    {
        var entries = NpzFiles.MnistEntries(_train, _test);
        entries["x_test.npy"] = NpzFiles.Npy([5, 12], _test.Images);

        var error = Assert.Throws<DataFormatException>(() => KerasNpz.Load(WriteArchive(entries)));

        Assert.Contains("x_test.npy: absurd dimensions: images must have shape (count, rows, cols)", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_zip_is_rejected()
    {
        var path = _directory.Combine("mnist.npz");
        File.WriteAllText(path, "this is not a zip archive, just some text that is long enough");

        var error = Assert.Throws<DataFormatException>(() => KerasNpz.Load(path));

        Assert.StartsWith($"{path}: not a valid .npz (zip) archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_unavailable()
    {
        var path = _directory.Combine("absent.npz");

        Assert.Contains("file not found", Assert.Throws<DataUnavailableException>(() => KerasNpz.Load(path)).Message);
    }
}
