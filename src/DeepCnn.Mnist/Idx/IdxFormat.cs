namespace DeepCnn.Mnist.Idx;

/// <summary>
/// Constants of the IDX format (http://yann.lecun.com/exdb/mnist/): two zero bytes, a type code,
/// the rank, then one big-endian 32-bit length per axis, then the data in row-major order.
/// </summary>
internal static class IdxFormat
{
    /// <summary>The type code of unsigned bytes, the only element type MNIST-style files use.</summary>
    internal const byte UnsignedByteType = 0x08;

    /// <summary>The rank of an image file: count, rows, columns.</summary>
    internal const int ImageRank = 3;

    /// <summary>The rank of a label file: count.</summary>
    internal const int LabelRank = 1;

    /// <summary>
    /// The largest accepted length of an axis other than the first. Real images are tens of
    /// pixels wide; anything past this is a corrupt or hostile header.
    /// </summary>
    internal const int MaxAxisLength = 10_000;

    /// <summary>The largest accepted data size: what one .NET array can hold.</summary>
    internal static int MaxDataBytes => Array.MaxLength;

    /// <summary>The header length, in bytes, of a file of the given rank.</summary>
    internal static int HeaderLength(int rank) => 4 + (4 * rank);

    /// <summary>The magic number of an unsigned-byte file of the given rank, e.g. 0x00000803 for images.</summary>
    internal static uint Magic(int rank) => (UnsignedByteType << 8) | (uint)rank;
}
