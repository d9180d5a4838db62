namespace DeepCnn.Mnist.IO;

/// <summary>
/// Reads streams whose length is unknown or untrusted (gzip, zip entries, downloads) without
/// allocating more than the data that actually arrives.
/// </summary>
internal static class BoundedRead
{
    // Small enough to be harmless when a header lies, large enough to keep copying cheap.
    private const int FirstChunkBytes = 64 * 1024;

    /// <summary>
    /// Reads until the end of the stream or until <paramref name="maxBytes"/> bytes have arrived.
    /// The buffer grows by doubling as data is received, so a header that promises gigabytes but
    /// delivers a few bytes costs only a few bytes.
    /// </summary>
    internal static byte[] ReadAtMost(Stream stream, int maxBytes)
    {
        var buffer = new byte[Math.Min(maxBytes, FirstChunkBytes)];
        var filled = 0;
        while (filled < maxBytes)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(maxBytes, 2L * buffer.Length));
            }

            var read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        if (filled < buffer.Length)
        {
            Array.Resize(ref buffer, filled);
        }

        return buffer;
    }

    /// <summary>True when the stream has no more data; consumes one byte otherwise.</summary>
    internal static bool IsAtEnd(Stream stream) => stream.ReadByte() == -1;
}
