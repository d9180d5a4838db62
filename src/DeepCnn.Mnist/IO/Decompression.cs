using System.IO.Compression;

namespace DeepCnn.Mnist.IO;

/// <summary>Recognises gzip by its magic bytes rather than by file name, so a renamed file still reads.</summary>
internal static class Decompression
{
    private const byte GzipMagic1 = 0x1F;
    private const byte GzipMagic2 = 0x8B;

    /// <summary>True when <paramref name="start"/> begins with the gzip magic bytes.</summary>
    internal static bool IsGzip(ReadOnlySpan<byte> start) =>
        start.Length >= 2 && start[0] == GzipMagic1 && start[1] == GzipMagic2;

    /// <summary>
    /// Returns a stream of the uncompressed content of the seekable <paramref name="source"/>, which it
    /// takes ownership of. <paramref name="knownLength"/> is the content length when it is known
    /// without decompressing, and null for gzip, whose real length is only learnt by reading it.
    /// </summary>
    internal static Stream OpenUncompressed(Stream source, out long? knownLength)
    {
        Span<byte> start = stackalloc byte[2];
        var read = source.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        source.Position = 0;
        if (IsGzip(start[..read]))
        {
            knownLength = null;
            return new GZipStream(source, CompressionMode.Decompress);
        }

        knownLength = source.Length;
        return source;
    }
}
