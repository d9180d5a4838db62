using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DeepCnn.Serialization;

/// <summary>
/// float32 arrays to and from little-endian bytes. On a little-endian machine the memory is the
/// file's byte order and moves without a copy; a big-endian machine swaps through a small buffer.
/// </summary>
internal static class FloatData
{
    private const int ChunkElements = 16 * 1024;

    /// <summary>Writes <paramref name="values"/> as little-endian float32.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        var buffer = ArrayPool<int>.Shared.Rent(ChunkElements);
        try
        {
            for (int start = 0; start < values.Length; start += ChunkElements)
            {
                var chunk = MemoryMarshal.Cast<float, int>(values.Slice(start, Math.Min(ChunkElements, values.Length - start)));
                var swapped = buffer.AsSpan(0, chunk.Length);
                BinaryPrimitives.ReverseEndianness(chunk, swapped);
                stream.Write(MemoryMarshal.AsBytes(swapped));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <summary>Fills <paramref name="values"/> from little-endian float32; throws <see cref="EndOfStreamException"/> when the stream ends first.</summary>
    public static void Read(Stream stream, Span<float> values)
    {
        stream.ReadExactly(MemoryMarshal.AsBytes(values));
        if (!BitConverter.IsLittleEndian)
        {
            var words = MemoryMarshal.Cast<float, int>(values);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }
}
