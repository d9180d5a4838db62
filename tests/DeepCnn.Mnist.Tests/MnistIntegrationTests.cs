using System.IO.Compression;
using DeepCnn.Mnist.Acquisition;
using DeepCnn.Mnist.Rendering;
using Xunit.Abstractions;

namespace DeepCnn.Mnist.Tests;

/// <summary>Checks on the real files; see <see cref="RealMnist"/> for how they are obtained.</summary>
public sealed class MnistIntegrationTests : IClassFixture<RealMnist>
{
    private readonly RealMnist _mnist;

    public MnistIntegrationTests(RealMnist mnist, ITestOutputHelper output)
    {
        _mnist = mnist;
        output.WriteLine(mnist.Log);
    }

    [Fact]
    public void Has_the_shape_of_keras_load_data()
    {
        Assert.Equal((60_000, 28, 28), (_mnist.Train.Count, _mnist.Train.Rows, _mnist.Train.Cols));
        Assert.Equal((10_000, 28, 28), (_mnist.Test.Count, _mnist.Test.Rows, _mnist.Test.Cols));
        Assert.Equal(60_000 * 28 * 28, _mnist.Train.Images.Length);
        Assert.Equal(10_000 * 28 * 28, _mnist.Test.Images.Length);
    }

    [Fact]
    public void Starts_with_the_known_labels()
    {
        Assert.Equal([5, 0, 4, 1, 9], _mnist.Train.Labels[..5]);
        Assert.Equal([7, 2, 1, 0, 4], _mnist.Test.Labels[..5]);
    }

    [Fact]
    public void Test_image_2_is_a_one()
    {
        Assert.Equal(1, _mnist.Test.Labels[2]);
        // A one is a tall, narrow stroke: its ink spans many rows but few columns.
        var image = _mnist.Test[2].ToArray();
        var ink = Enumerable.Range(0, 28 * 28).Where(i => image[i] > 127).ToList();
        var rows = ink.Max(i => i / 28) - ink.Min(i => i / 28) + 1;
        var columns = ink.Max(i => i % 28) - ink.Min(i => i % 28) + 1;
        Assert.InRange(rows, 15, 28);
        Assert.InRange(columns, 1, 10);
    }

    [Fact]
    public void The_cache_holds_exactly_the_verified_files()
    {
        foreach (var file in Mnist.Files)
        {
            var path = Path.Combine(RealMnist.Directory, file.Name);
            var gzipped = path + IdxFileNames.GzipSuffix;
            var content = File.Exists(path) ? File.ReadAllBytes(path) : Gunzip(gzipped);
            DatasetFetcher.Verify(file, content, path);
        }

        Assert.DoesNotContain(Directory.EnumerateFiles(RealMnist.Directory), file => file.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void The_notebook_variant_trains_on_the_test_split()
    {
        var (train, test) = Mnist.LoadNotebookVariant(log: TextWriter.Null);

        Assert.Equal(10_000, train.Count);
        Assert.Equal(_mnist.Test.Images, train.Images);
        Assert.Equal(_mnist.Test.Labels, test.Labels);
    }

    [Fact]
    public void A_keras_cache_built_from_the_real_data_rebuilds_the_verified_files()
    {
        using var directory = new TemporaryDirectory();
        var npz = directory.Combine("mnist.npz");
        File.WriteAllBytes(npz, NpzFiles.Archive(NpzFiles.MnistEntries(_mnist.Train, _mnist.Test)));
        var fetcher = new DatasetFetcher("MNIST", Mnist.Files, [new KerasCacheSource(npz)])
        {
            CacheDirectory = directory.Combine("cache"),
        };

        var (train, test) = SplitParser.Parse(fetcher.Acquire());

        Assert.Equal(_mnist.Train.Images, train.Images);
        Assert.Equal(_mnist.Test.Labels, test.Labels);
        Assert.Equal(Mnist.Files.Select(file => file.Name).Order(StringComparer.Ordinal), Directory.EnumerateFiles(directory.Combine("cache")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Test_image_2_renders_like_the_notebook_preview()
    {
        using var directory = new TemporaryDirectory();
        var png = directory.Combine("test_images_2.png");

        ImageFile.Save(DigitRenderer.Render(_mnist.Test, 2, scale: 4), png);
        ImageFile.Save(DigitRenderer.RenderGrid(_mnist.Test, [.. Enumerable.Range(0, 20)], columns: 10), directory.Combine("grid.svg"));

        var (width, height, pixels) = PngDecoding.Decode(File.ReadAllBytes(png));
        Assert.Equal((112, 112), (width, height));
        Assert.Equal(_mnist.Test[2][(14 * 28) + 14], pixels[(56 * 112) + 56]);
        Assert.Equal(["grid.svg", "test_images_2.png"], directory.Files());
    }

    private static byte[] Gunzip(string gzippedPath)
    {
        using var gzip = new GZipStream(File.OpenRead(gzippedPath), CompressionMode.Decompress);
        using var content = new MemoryStream();
        gzip.CopyTo(content);
        return content.ToArray();
    }
}
