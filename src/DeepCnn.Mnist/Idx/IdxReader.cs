using System.Buffers.Binary;
using DeepCnn.Mnist.IO;

namespace DeepCnn.Mnist.Idx;

/// <summary>
/// Reads IDX image (<c>idx3-ubyte</c>) and label (<c>idx1-ubyte</c>) files, raw or gzipped.
/// </summary>
/// <remarks>
/// Nothing in a file is trusted before it is checked: the magic number, type code, rank and every
/// dimension are validated, and the data size the header declares is compared with what the file
/// holds before the data is allocated. Gzipped files are decompressed incrementally, so a header
/// that lies about its size ends in a "truncated" error rather than a huge allocation. Every
/// failure is a <see cref="DataFormatException"/> or <see cref="DataUnavailableException"/> naming the file.
/// </remarks>
public static class IdxReader
{
    /// <summary>Reads an IDX image file (magic 0x00000803), raw or gzipped.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The images the file holds.</returns>
    /// <exception cref="DataFormatException">The content is not a valid IDX image file.</exception>
    /// <exception cref="DataUnavailableException">The file is missing or cannot be read.</exception>
    public static IdxImages ReadImages(string path) =>
        SafeIo.Guard(path, () => ToImages(DecodeFile(path, IdxFormat.ImageRank)));

    /// <summary>Reads the bytes of an IDX image file (magic 0x00000803), raw or gzipped.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>The images the bytes hold.</returns>
    /// <exception cref="DataFormatException">The content is not a valid IDX image file.</exception>
    public static IdxImages ReadImages(byte[] content, string fileName) =>
        SafeIo.Guard(fileName, () => ToImages(DecodeBytes(content, fileName, IdxFormat.ImageRank)));

    /// <summary>Reads an IDX label file (magic 0x00000801), raw or gzipped.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>One label per item; values are not range-checked here, see <see cref="ReadImageSet(string, string, int)"/>.</returns>
    /// <exception cref="DataFormatException">The content is not a valid IDX label file.</exception>
    /// <exception cref="DataUnavailableException">The file is missing or cannot be read.</exception>
    public static byte[] ReadLabels(string path) =>
        SafeIo.Guard(path, () => DecodeFile(path, IdxFormat.LabelRank).Data);

    /// <summary>Reads the bytes of an IDX label file (magic 0x00000801), raw or gzipped.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="fileName">The name used in error messages.</param>
    /// <returns>One label per item.</returns>
    /// <exception cref="DataFormatException">The content is not a valid IDX label file.</exception>
    public static byte[] ReadLabels(byte[] content, string fileName) =>
        SafeIo.Guard(fileName, () => DecodeBytes(content, fileName, IdxFormat.LabelRank).Data);

    /// <summary>Reads a pair of image and label files and checks that they belong together.</summary>
    /// <param name="imagesPath">The IDX image file.</param>
    /// <param name="labelsPath">The IDX label file.</param>
    /// <param name="classCount">Labels must lie in 0 to <paramref name="classCount"/> - 1.</param>
    /// <returns>The images with their labels.</returns>
    /// <exception cref="DataFormatException">A file is invalid, the counts differ, or a label is out of range.</exception>
    /// <exception cref="DataUnavailableException">A file is missing or cannot be read.</exception>
    public static ImageSet ReadImageSet(string imagesPath, string labelsPath, int classCount = Preprocessing.DefaultClassCount) =>
        Pair(ReadImages(imagesPath), imagesPath, ReadLabels(labelsPath), labelsPath, classCount);

    /// <summary>Reads the bytes of a pair of image and label files and checks that they belong together.</summary>
    /// <param name="images">The IDX image file's bytes.</param>
    /// <param name="imagesName">The image file's name, used in error messages.</param>
    /// <param name="labels">The IDX label file's bytes.</param>
    /// <param name="labelsName">The label file's name, used in error messages.</param>
    /// <param name="classCount">Labels must lie in 0 to <paramref name="classCount"/> - 1.</param>
    /// <returns>The images with their labels.</returns>
    /// <exception cref="DataFormatException">A file is invalid, the counts differ, or a label is out of range.</exception>
    public static ImageSet ReadImageSet(
        byte[] images, string imagesName, byte[] labels, string labelsName, int classCount = Preprocessing.DefaultClassCount) =>
        Pair(ReadImages(images, imagesName), imagesName, ReadLabels(labels, labelsName), labelsName, classCount);

    /// <summary>Joins images and labels after checking that the counts agree and every label is in range.</summary>
    internal static ImageSet Pair(IdxImages images, string imagesName, byte[] labels, string labelsName, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if (labels.Length != images.Count)
        {
            throw new DataFormatException(
                labelsName,
                $"count mismatch: {labels.Length} labels, but {imagesName} holds {images.Count} images");
        }

        var outOfRange = Array.FindIndex(labels, label => label >= classCount);
        if (outOfRange >= 0)
        {
            throw new DataFormatException(
                labelsName,
                $"label value {labels[outOfRange]} at index {outOfRange} is out of range; labels must be 0 to {classCount - 1}");
        }

        return new ImageSet(images.Pixels, labels, images.Rows, images.Cols);
    }

    private static IdxImages ToImages(IdxArray array) =>
        new(array.Data, array.Shape[0], array.Shape[1], array.Shape[2]);

    private static IdxArray DecodeFile(string path, int rank)
    {
        using var stream = Decompression.OpenUncompressed(SafeIo.OpenRead(path), out var knownLength);
        return Decode(stream, knownLength, path, rank);
    }

    private static IdxArray DecodeBytes(byte[] content, string fileName, int rank)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var stream = Decompression.OpenUncompressed(new MemoryStream(content, writable: false), out var knownLength);
        return Decode(stream, knownLength, fileName, rank);
    }

    /// <summary>
    /// Validates the header, then reads exactly the data it declares. <paramref name="knownLength"/>
    /// is the content length when known (raw files), which lets size errors surface before any
    /// allocation; otherwise (gzip) the data is read incrementally.
    /// </summary>
    private static IdxArray Decode(Stream stream, long? knownLength, string fileName, int rank)
    {
        var kind = rank == IdxFormat.ImageRank ? "image" : "label";
        var expectedMagic = IdxFormat.Magic(rank);
        var magicBytes = BoundedRead.ReadAtMost(stream, 4);
        if (magicBytes.Length < 4)
        {
            throw new DataFormatException(
                fileName, $"truncated: {magicBytes.Length} bytes, too short for the 4-byte IDX magic number");
        }

        var magic = BinaryPrimitives.ReadUInt32BigEndian(magicBytes);
        if (magicBytes[0] != 0 || magicBytes[1] != 0)
        {
            throw new DataFormatException(
                fileName, $"wrong magic number 0x{magic:X8}; an IDX {kind} file starts with 0x{expectedMagic:X8}");
        }

        if (magicBytes[2] != IdxFormat.UnsignedByteType)
        {
            throw new DataFormatException(
                fileName,
                $"unsupported data type code 0x{magicBytes[2]:X2} in magic number 0x{magic:X8}; only 0x08 (unsigned byte) is supported");
        }

        if (magicBytes[3] != rank)
        {
            throw new DataFormatException(
                fileName,
                $"wrong rank {magicBytes[3]} in magic number 0x{magic:X8}; an IDX {kind} file has rank {rank} (magic 0x{expectedMagic:X8})");
        }

        var shape = ReadShape(stream, fileName, rank);
        var dataBytes = (int)shape.Aggregate(1L, (product, length) => product * length);
        var headerLength = IdxFormat.HeaderLength(rank);
        var shapeText = string.Join(" x ", shape);
        if (knownLength is long length)
        {
            var available = length - headerLength;
            if (available < dataBytes)
            {
                throw new DataFormatException(
                    fileName, $"truncated: the header declares {shapeText} = {dataBytes} bytes of data, but only {available} follow");
            }

            if (available > dataBytes)
            {
                throw new DataFormatException(
                    fileName, $"trailing garbage: {available - dataBytes} bytes follow the {dataBytes} bytes of data the header declares ({shapeText})");
            }
        }

        var data = BoundedRead.ReadAtMost(stream, dataBytes);
        if (data.Length < dataBytes)
        {
            throw new DataFormatException(
                fileName, $"truncated: the data ends after {data.Length} of the {dataBytes} bytes the header declares ({shapeText})");
        }

        if (!BoundedRead.IsAtEnd(stream))
        {
            throw new DataFormatException(
                fileName, $"trailing garbage: data continues past the {dataBytes} bytes the header declares ({shapeText})");
        }

        return new IdxArray(shape, data);
    }

    private static int[] ReadShape(Stream stream, string fileName, int rank)
    {
        var bytes = BoundedRead.ReadAtMost(stream, 4 * rank);
        if (bytes.Length < 4 * rank)
        {
            throw new DataFormatException(
                fileName,
                $"truncated: the header ends after {4 + bytes.Length} bytes, but rank {rank} needs {IdxFormat.HeaderLength(rank)}");
        }

        var shape = new int[rank];
        var dataBytes = 1L;
        for (var axis = 0; axis < rank; axis++)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 * axis, 4));
            // The first axis counts items and is bounded by the total size; the others are image
            // axes, where a zero or a huge length can only mean corruption.
            var valid = axis == 0 ? length <= int.MaxValue : length is >= 1 and <= IdxFormat.MaxAxisLength;
            if (!valid)
            {
                var allowed = axis == 0 ? $"at most {int.MaxValue}" : $"between 1 and {IdxFormat.MaxAxisLength}";
                throw new DataFormatException(
                    fileName, $"absurd dimensions: axis {axis} has length {length}, but it must be {allowed}");
            }

            shape[axis] = (int)length;
            dataBytes *= length;
        }

        if (dataBytes > IdxFormat.MaxDataBytes)
        {
            throw new DataFormatException(
                fileName,
                $"absurd dimensions: {string.Join(" x ", shape)} = {dataBytes} bytes exceeds the limit of {IdxFormat.MaxDataBytes} bytes");
        }

        return shape;
    }

    private sealed record IdxArray(int[] Shape, byte[] Data);
}
