using System.Text;
using System.Xml.Linq;
using DeepCnn.Mnist.Rendering;

namespace DeepCnn.Mnist.Tests;

public sealed class RenderingTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private readonly ImageSet _set = Synthetic.ImageSet(7, 4, 3, seed: 17);

    [Fact]
    public void Crc32_matches_the_standard_check_value_and_zlib()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        var data = Synthetic.ImageSet(10, 10, 10, seed: 1).Images;
        Assert.Equal(PngDecoding.ReferenceCrc(data), Crc32.Compute(data));
        Assert.Equal(Crc32.Compute(data), Crc32.Append(Crc32.Compute(data.AsSpan(0, 300)), data.AsSpan(300)));
    }

    [Fact]
    public void Png_has_a_valid_structure_and_the_exact_pixels()
    {
        var image = new GrayImage(5, 3, [.. Enumerable.Range(0, 15).Select(i => (byte)(i * 17))]);

        var png = PngEncoder.Encode(image);

        var chunks = PngDecoding.Chunks(png);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(chunk => chunk.Type));
        Assert.Equal([0, 0, 0, 5, 0, 0, 0, 3, 8, 0, 0, 0, 0], chunks[0].Data);
        Assert.All(chunks, chunk => Assert.Equal(PngDecoding.ReferenceCrc([.. Encoding.ASCII.GetBytes(chunk.Type), .. chunk.Data]), chunk.Crc));
        var (width, height, pixels) = PngDecoding.Decode(png);
        Assert.Equal((5, 3), (width, height));
        Assert.Equal(image.Pixels, pixels);
    }

    [Fact]
    public void A_digit_is_rendered_with_square_pixels()
    {
        var image = DigitRenderer.Render(_set, 2, scale: 3);

        Assert.Equal((9, 12), (image.Width, image.Height));
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                Assert.Equal(_set[2][(y / 3 * 3) + (x / 3)], image[x, y]);
            }
        }
    }

    [Fact]
    public void A_grid_lays_out_digits_in_reading_order_with_labels_under_them()
    {
        int[] indices = [0, 1, 2, 3, 4];

        var grid = DigitRenderer.RenderGrid(_set, indices, columns: 3, scale: 2);

        // Cells are 6 wide and 8 + 14 (label) high, with 2-pixel gaps around them.
        Assert.Equal(((3 * (6 + 2)) + 2, (2 * (8 + 14 + 2)) + 2), (grid.Width, grid.Height));
        var fourthLeft = 2;
        var fourthTop = 2 + 8 + 14 + 2;
        Assert.Equal(_set[3][0], grid[fourthLeft, fourthTop]);
        Assert.Equal(_set[3][^1], grid[fourthLeft + 5, fourthTop + 7]);
        var labelStrip = Enumerable.Range(fourthTop + 8, 14)
            .SelectMany(y => Enumerable.Range(fourthLeft, 6).Select(x => grid[x, y]));
        Assert.Contains((byte)255, labelStrip);
    }

    [Fact]
    public void A_grid_without_labels_is_only_images_and_gaps()
    {
        var grid = DigitRenderer.RenderGrid(_set, [6], columns: 4, scale: 1, showLabels: false);

        Assert.Equal((3 + 2, 4 + 2), (grid.Width, grid.Height));
        Assert.Equal(_set[6][0], grid[1, 1]);
    }

    [Fact]
    public void Svg_is_xml_embedding_the_png()
    {
        var image = DigitRenderer.Render(_set, 0, scale: 2);

        var document = XDocument.Parse(SvgEncoder.Encode(image, "digit 0"));

        var root = document.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal(("6", "8"), ((string?)root.Attribute("width"), (string?)root.Attribute("height")));
        Assert.Equal("digit 0", root.Element(Svg + "title")!.Value);
        var href = (string)root.Element(Svg + "image")!.Attribute("href")!;
        Assert.StartsWith("data:image/png;base64,", href, StringComparison.Ordinal);
        var (_, _, pixels) = PngDecoding.Decode(Convert.FromBase64String(href["data:image/png;base64,".Length..]));
        Assert.Equal(image.Pixels, pixels);
    }

    [Fact]
    public void Files_are_saved_by_extension_without_temporary_leftovers()
    {
        using var directory = new TemporaryDirectory();
        var image = DigitRenderer.Render(_set, 1);

        ImageFile.Save(image, directory.Combine("digit.png"));
        ImageFile.Save(image, directory.Combine("digit.svg"));

        Assert.Equal(["digit.png", "digit.svg"], directory.Files());
        Assert.Equal(image.Pixels, PngDecoding.Decode(File.ReadAllBytes(directory.Combine("digit.png"))).Pixels);
        Assert.Equal(Svg + "svg", XDocument.Load(directory.Combine("digit.svg")).Root!.Name);
    }

    [Fact]
    public void An_unknown_format_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageFile.Save(DigitRenderer.Render(_set, 0), "digit.bmp"));

        Assert.Contains("unsupported image format", error.Message);
    }
}
