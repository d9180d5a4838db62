using System.Buffers.Binary;
using DeepCnn.Mnist.Idx;

namespace DeepCnn.Mnist.Tests;

public sealed class IdxBadInputTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static byte[] ValidImages => IdxWriter.EncodeImages(Synthetic.Images(Synthetic.ImageSet(3, 4, 5, seed: 1)));

    private static byte[] ValidLabels => IdxWriter.EncodeLabels([1, 2, 3]);

    private static byte[] Header(uint magic, params uint[] shape)
    {
        var header = new byte[4 + (4 * shape.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(header, magic);
        for (var i = 0; i < shape.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + (4 * i)), shape[i]);
        }

        return header;
    }

    private string Write(string name, byte[] content)
    {
        var path = _directory.Combine(name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private DataFormatException ImagesFail(byte[] content, string name = "images-idx3-ubyte")
    {
        var path = Write(name, content);
        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FileName);
        return error;
    }

    [Fact]
    public void Wrong_magic_number_is_named()
    {
        var content = ValidImages;
        content[0] = 0x12;

        var error = ImagesFail(content);

        Assert.Contains("wrong magic number 0x12000803", error.Message);
        Assert.Contains("0x00000803", error.Message);
    }

    [Fact]
    public void Wrong_type_code_is_named()
    {
        var content = ValidImages;
        content[2] = 0x0D;

        Assert.Contains("unsupported data type code 0x0D", ImagesFail(content).Message);
    }

    [Fact]
    public void A_label_file_read_as_images_has_the_wrong_rank()
    {
        var error = ImagesFail(ValidLabels);

        Assert.Contains("wrong rank 1", error.Message);
        Assert.Contains("0x00000803", error.Message);
    }

    [Fact]
    public void Truncated_data_is_reported_with_the_declared_size()
    {
        var error = ImagesFail(ValidImages[..^7]);

        Assert.Contains("truncated", error.Message);
        Assert.Contains("3 x 4 x 5 = 60 bytes", error.Message);
        Assert.Contains("only 53 follow", error.Message);
    }

    [Fact]
    public void Truncated_gzipped_data_is_reported()
    {
        var error = ImagesFail(Synthetic.Gzip(ValidImages[..^7]), "images.gz");

        Assert.Contains("truncated: the data ends after 53 of the 60 bytes", error.Message);
    }

    [Fact]
    public void A_cut_off_gzip_stream_is_truncated_or_corrupt()
    {
        var gzip = Synthetic.Gzip(IdxWriter.EncodeImages(Synthetic.Images(Synthetic.ImageSet(40, 10, 10, seed: 2))));

        var error = ImagesFail(gzip[..(gzip.Length / 2)], "images.gz");

        Assert.Matches("truncated|corrupt", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_file_too_short_for_the_magic_number_is_truncated(int length)
    {
        Assert.Contains("too short for the 4-byte IDX magic number", ImagesFail(ValidImages[..length]).Message);
    }

    [Fact]
    public void A_header_cut_inside_the_dimensions_is_truncated()
    {
        Assert.Contains("truncated: the header ends after 10 bytes, but rank 3 needs 16", ImagesFail(ValidImages[..10]).Message);
    }

    [Fact]
    public void Trailing_garbage_is_reported()
    {
        var error = ImagesFail([.. ValidImages, 1, 2, 3]);

        Assert.Contains("trailing garbage: 3 bytes follow the 60 bytes", error.Message);
    }

    [Fact]
    public void Trailing_garbage_inside_gzip_is_reported()
    {
        Assert.Contains("trailing garbage", ImagesFail(Synthetic.Gzip([.. ValidImages, 9]), "images.gz").Message);
    }

    [Fact]
    public void Corrupt_gzip_is_reported()
    {
        var gzip = Synthetic.Gzip(ValidImages);
        // The first deflate byte sets block type 3, which the format reserves as invalid.
        gzip[10] = 0xFF;

        Assert.Contains("corrupt compressed data", ImagesFail(gzip, "images.gz").Message);
    }

    [Theory]
    [InlineData(0u, 28u)]
    [InlineData(28u, 0u)]
    [InlineData(10_001u, 28u)]
    [InlineData(28u, 4_000_000_000u)]
    public void Absurd_image_dimensions_are_rejected(uint rows, uint cols)
    {
        var error = ImagesFail(Header(0x803, 1, rows, cols));

        Assert.Contains("absurd dimensions", error.Message);
        Assert.Contains("between 1 and 10000", error.Message);
    }

    [Fact]
    public void A_count_beyond_int_range_is_rejected()
    {
        Assert.Contains("absurd dimensions: axis 0 has length 4294967295", ImagesFail(Header(0x803, uint.MaxValue, 1, 1)).Message);
    }

    [Fact]
    public void A_total_size_beyond_the_array_limit_is_rejected()
    {
        var error = ImagesFail(Header(0x803, 100_000, 10_000, 10_000));

        Assert.Contains("absurd dimensions: 100000 x 10000 x 10000 = 10000000000000 bytes exceeds the limit", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_header_claiming_gigabytes_fails_before_allocating_them(bool gzip)
    {
        // 1.8 GB declared, a dozen bytes delivered.
        byte[] raw = [.. Header(0x803, 60_000, 10_000, 3), 1, 2, 3, 4, 5, 6, 7, 8];
        var path = Write("liar", gzip ? Synthetic.Gzip(raw) : raw);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("truncated", error.Message);
        Assert.Contains("1800000000 bytes", error.Message);
        Assert.True(allocated < 4_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        var images = Write("images", ValidImages);
        var labels = Write("labels", IdxWriter.EncodeLabels([1, 2, 3, 4]));

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImageSet(images, labels));

        Assert.Equal($"{labels}: count mismatch: 4 labels, but {images} holds 3 images", error.Message);
    }

    [Fact]
    public void Labels_above_nine_are_rejected()
    {
        var images = Write("images", ValidImages);
        var labels = Write("labels", IdxWriter.EncodeLabels([1, 10, 3]));

        var error = Assert.Throws<DataFormatException>(() => IdxReader.ReadImageSet(images, labels));

        Assert.Equal($"{labels}: label value 10 at index 1 is out of range; labels must be 0 to 9", error.Message);
    }

    [Fact]
    public void A_missing_file_is_unavailable()
    {
        var path = _directory.Combine("nowhere", "images");

        var error = Assert.Throws<DataUnavailableException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("file not found", error.Message);
    }

    [Fact]
    public void A_directory_in_place_of_a_file_is_unavailable()
    {
        var error = Assert.Throws<DataUnavailableException>(() => IdxReader.ReadLabels(_directory.Path));

        Assert.StartsWith(_directory.Path + ": ", error.Message, StringComparison.Ordinal);
    }
}
