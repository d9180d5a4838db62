using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace DeepCnn.Mnist.Rendering;

/// <summary>
/// Encodes a <see cref="GrayImage"/> as a minimal valid PNG: 8-bit grayscale, no interlacing,
/// filter type 0 on every row, one IDAT chunk.
/// </summary>
public static class PngEncoder
{
    private const byte GrayscaleColorType = 0;
    private const byte BitDepth = 8;
    private const byte NoFilter = 0;

    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes <paramref name="image"/> as PNG bytes.</summary>
    /// <param name="image">The picture.</param>
    /// <returns>A complete PNG file.</returns>
    public static byte[] Encode(GrayImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var png = new MemoryStream();
        png.Write(Signature);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = BitDepth;
        header[9] = GrayscaleColorType;
        // Bytes 10 to 12 stay 0: deflate compression, adaptive filtering, no interlace.
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", CompressRows(image));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] CompressRows(GrayImage image)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < image.Height; y++)
            {
                zlib.WriteByte(NoFilter);
                zlib.Write(image.Pixels, y * image.Width, image.Width);
            }
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        // The CRC covers the chunk type and data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(typeBytes), data));
        png.Write(word);
    }
}
