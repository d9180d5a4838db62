using DeepCnn.Mnist.Idx;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DeepCnn.Mnist.Tests;

public sealed class IdxRoundTripTests
{
    private static readonly Arbitrary<(int Count, int Rows, int Cols, int Seed, bool Gzip)> Shapes =
        (from count in Gen.Choose(0, 20)
         from rows in Gen.Choose(1, 9)
         from cols in Gen.Choose(1, 9)
         from seed in Gen.Choose(0, int.MaxValue)
         from gzip in Gen.Elements(false, true)
         select (count, rows, cols, seed, gzip)).ToArbitrary();

    [Property(MaxTest = 100, Replay = "(20251203,1)")]
    public Property Written_files_read_back_identically() =>
        Prop.ForAll(Shapes, shape =>
        {
            using var directory = new TemporaryDirectory();
            var set = Synthetic.ImageSet(shape.Count, shape.Rows, shape.Cols, shape.Seed);
            var suffix = shape.Gzip ? ".gz" : "";
            var imagesPath = directory.Combine("images-idx3-ubyte" + suffix);
            var labelsPath = directory.Combine("labels-idx1-ubyte" + suffix);

            IdxWriter.WriteImageSet(set, imagesPath, labelsPath);
            var read = IdxReader.ReadImageSet(imagesPath, labelsPath);

            Assert.Equal(set.Images, read.Images);
            Assert.Equal(set.Labels, read.Labels);
            Assert.Equal((set.Count, set.Rows, set.Cols), (read.Count, read.Rows, read.Cols));
        });

    [Fact]
    public void Gzipped_files_are_really_gzipped()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.Combine("labels.gz");

        IdxWriter.WriteLabels(path, [1, 2, 3]);

        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x1F, 0x8B], bytes[..2]);
        Assert.Equal([1, 2, 3], IdxReader.ReadLabels(path));
    }

    [Fact]
    public void Encoding_follows_the_original_layout()
    {
        var bytes = IdxWriter.EncodeImages(new IdxImages([9, 8, 7, 6, 5, 4], count: 1, rows: 2, cols: 3));

        byte[] expected = [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9, 8, 7, 6, 5, 4];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Bytes_overloads_read_raw_and_gzipped_content()
    {
        var set = Synthetic.ImageSet(3, 2, 2, seed: 7);
        var images = IdxWriter.EncodeImages(Synthetic.Images(set));
        var labels = IdxWriter.EncodeLabels(set.Labels);

        var raw = IdxReader.ReadImageSet(images, "images", labels, "labels");
        var gzipped = IdxReader.ReadImageSet(Synthetic.Gzip(images), "images.gz", Synthetic.Gzip(labels), "labels.gz");

        Assert.Equal(set.Images, raw.Images);
        Assert.Equal(set.Images, gzipped.Images);
        Assert.Equal(set.Labels, gzipped.Labels);
    }

    [Fact]
    public void Writing_replaces_a_file_without_leaving_temporary_files()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.Combine("labels");
        File.WriteAllText(path, "old content");

        IdxWriter.WriteLabels(path, [4]);

        Assert.Equal(["labels"], directory.Files());
        Assert.Equal([4], IdxReader.ReadLabels(path));
    }
}
