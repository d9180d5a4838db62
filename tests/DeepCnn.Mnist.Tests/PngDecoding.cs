using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace DeepCnn.Mnist.Tests;

/// <summary>Just enough PNG reading to check what the encoder wrote.</summary>
internal static class PngDecoding
{
    public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public sealed record Chunk(string Type, byte[] Data, uint Crc);

    public static List<Chunk> Chunks(byte[] png)
    {
        Assert.Equal(Signature, png[..8]);
        var chunks = new List<Chunk>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            chunks.Add(new Chunk(type, data, crc));
            offset += 12 + length;
        }

        return chunks;
    }

    /// <summary>The pixels of an 8-bit grayscale PNG whose rows all use filter 0.</summary>
    public static (int Width, int Height, byte[] Pixels) Decode(byte[] png)
    {
        var chunks = Chunks(png);
        var header = chunks[0].Data;
        var width = BinaryPrimitives.ReadInt32BigEndian(header);
        var height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        using var idat = new MemoryStream([.. chunks.Where(chunk => chunk.Type == "IDAT").SelectMany(chunk => chunk.Data)]);
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        var scanlines = new byte[(width + 1) * height];
        zlib.ReadExactly(scanlines);
        Assert.Equal(-1, zlib.ReadByte());
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            Assert.Equal(0, scanlines[y * (width + 1)]);
            scanlines.AsSpan((y * (width + 1)) + 1, width).CopyTo(pixels.AsSpan(y * width));
        }

        return (width, height, pixels);
    }

    /// <summary>A CRC-32 computed by zlib, read from a gzip trailer, as an independent reference.</summary>
    public static uint ReferenceCrc(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return BinaryPrimitives.ReadUInt32LittleEndian(compressed.ToArray().AsSpan(^8));
    }
}
