using System.Buffers.Binary;
using System.Text;
using DeepCnn.Mnist.IO;

namespace DeepCnn.Mnist.Npz;

/// <summary>
/// Reads NumPy <c>.npy</c> files of unsigned bytes (<c>descr '|u1'</c>, C order), the format of
/// the arrays inside Keras's <c>mnist.npz</c>.
/// </summary>
/// <remarks>
/// Layout: the magic <c>\x93NUMPY</c>, a major and minor version, the header length (2 bytes
/// little-endian in version 1, 4 bytes in versions 2 and 3), the header dictionary, then the data.
/// Everything is validated before the data is read, and the data is read incrementally.
/// </remarks>
public static class NpyReader
{
    // NumPy itself refuses headers longer than this unless told otherwise.
    private const int MaxHeaderLength = 10_000;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a <c>.npy</c> file of unsigned bytes from its bytes.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The array.</returns>
    /// <exception cref="DataFormatException">The content is not a valid unsigned-byte <c>.npy</c> file.</exception>
    public static NpyArray ReadUInt8(byte[] content, string fileName)
    {
        ArgumentNullException.ThrowIfNull(content);
        return ReadUInt8(new MemoryStream(content, writable: false), fileName);
    }

    /// <summary>Reads a <c>.npy</c> file of unsigned bytes from a stream, to its end.</summary>
    /// <param name="stream">The file's content; need not be seekable.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The array.</returns>
    /// <exception cref="DataFormatException">The content is not a valid unsigned-byte <c>.npy</c> file.</exception>
    /// <exception cref="DataUnavailableException">The stream cannot be read.</exception>
    public static NpyArray ReadUInt8(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return SafeIo.Guard(fileName, () => Decode(stream, fileName));
    }

    private static NpyArray Decode(Stream stream, string fileName)
    {
        var preamble = BoundedRead.ReadAtMost(stream, Magic.Length + 2);
        if (preamble.Length < Magic.Length + 2)
        {
            throw new DataFormatException(fileName, $"truncated: {preamble.Length} bytes, too short for a .npy preamble");
        }

        if (!preamble.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new DataFormatException(
                fileName, $"wrong magic: starts with {Convert.ToHexString(preamble, 0, Magic.Length)}, not \\x93NUMPY");
        }

        var (major, minor) = (preamble[Magic.Length], preamble[Magic.Length + 1]);
        if (major is < 1 or > 3 || minor != 0)
        {
            throw new DataFormatException(fileName, $"unsupported .npy version {major}.{minor}; 1.0, 2.0 and 3.0 are supported");
        }

        var lengthSize = major == 1 ? 2 : 4;
        var lengthBytes = BoundedRead.ReadAtMost(stream, lengthSize);
        if (lengthBytes.Length < lengthSize)
        {
            throw new DataFormatException(fileName, "truncated: the .npy header length is cut off");
        }

        var headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderLength)
        {
            throw new DataFormatException(fileName, $"absurd .npy header length {headerLength}; at most {MaxHeaderLength} is accepted");
        }

        var headerBytes = BoundedRead.ReadAtMost(stream, (int)headerLength);
        if (headerBytes.Length < headerLength)
        {
            throw new DataFormatException(
                fileName, $"truncated: the .npy header is cut off after {headerBytes.Length} of {headerLength} bytes");
        }

        if (headerBytes.Any(b => b > 0x7F))
        {
            throw new DataFormatException(fileName, "invalid .npy header: it is not ASCII");
        }

        var header = NpyHeader.Parse(Encoding.ASCII.GetString(headerBytes), fileName);
        var dataBytes = ValidatedDataLength(header, fileName);
        var data = BoundedRead.ReadAtMost(stream, dataBytes);
        if (data.Length < dataBytes)
        {
            throw new DataFormatException(
                fileName, $"truncated: the data ends after {data.Length} of the {dataBytes} bytes the header declares");
        }

        if (!BoundedRead.IsAtEnd(stream))
        {
            throw new DataFormatException(
                fileName, $"trailing garbage: data continues past the {dataBytes} bytes the header declares");
        }

        return new NpyArray(header.Shape, data);
    }

    /// <summary>Checks that the header describes a C-order byte array of sane size, and returns that size.</summary>
    private static int ValidatedDataLength(NpyHeader header, string fileName)
    {
        if (header.Descr != "|u1")
        {
            throw new DataFormatException(fileName, $"unsupported data type '{header.Descr}'; only '|u1' (unsigned byte) is supported");
        }

        if (header.FortranOrder)
        {
            throw new DataFormatException(fileName, "unsupported fortran_order True; only C order is supported");
        }

        // Each length fits an int by parsing; the product is bounded here, with long arithmetic
        // that cannot overflow because it stops growing as soon as it passes the limit.
        var dataBytes = 1L;
        foreach (var length in header.Shape)
        {
            dataBytes = Math.Min(dataBytes * length, (long)Array.MaxLength + 1);
        }

        if (dataBytes > Array.MaxLength)
        {
            throw new DataFormatException(
                fileName, $"absurd dimensions: shape ({string.Join(", ", header.Shape)}) exceeds the limit of {Array.MaxLength} bytes");
        }

        return (int)dataBytes;
    }
}
