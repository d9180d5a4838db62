using DeepCnn.IO;
using System.Buffers.Binary;
using System.IO.Compression;
using DeepCnn.Mnist.IO;

namespace DeepCnn.Mnist.Idx;

/// <summary>
/// Writes IDX image and label files in the exact layout of the original MNIST files, so that a
/// written file has the same bytes, and therefore the same checksum, as the original.
/// </summary>
public static class IdxWriter
{
    /// <summary>Encodes images as the bytes of an uncompressed IDX image file.</summary>
    /// <param name="images">The images to encode.</param>
    /// <returns>The file's bytes: header, then pixels.</returns>
    public static byte[] EncodeImages(IdxImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Encode([images.Count, images.Rows, images.Cols], images.Pixels);
    }

    /// <summary>Encodes labels as the bytes of an uncompressed IDX label file.</summary>
    /// <param name="labels">The labels to encode.</param>
    /// <returns>The file's bytes: header, then labels.</returns>
    public static byte[] EncodeLabels(byte[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Encode([labels.Length], labels);
    }

    /// <summary>Writes an IDX image file atomically; a path ending in <c>.gz</c> is gzipped.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="images">The images to write.</param>
    /// <exception cref="IOException">The file cannot be written; any previous file is left as it was.</exception>
    public static void WriteImages(string path, IdxImages images) => WriteFile(path, EncodeImages(images));

    /// <summary>Writes an IDX label file atomically; a path ending in <c>.gz</c> is gzipped.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="labels">The labels to write.</param>
    /// <exception cref="IOException">The file cannot be written; any previous file is left as it was.</exception>
    public static void WriteLabels(string path, byte[] labels) => WriteFile(path, EncodeLabels(labels));

    /// <summary>Writes the images and labels of a set as two IDX files; paths ending in <c>.gz</c> are gzipped.</summary>
    /// <param name="set">The set to write.</param>
    /// <param name="imagesPath">The image file to create or replace.</param>
    /// <param name="labelsPath">The label file to create or replace.</param>
    /// <exception cref="IOException">A file cannot be written; any previous file is left as it was.</exception>
    public static void WriteImageSet(ImageSet set, string imagesPath, string labelsPath)
    {
        ArgumentNullException.ThrowIfNull(set);
        WriteImages(imagesPath, new IdxImages(set.Images, set.Count, set.Rows, set.Cols));
        WriteLabels(labelsPath, set.Labels);
    }

    private static byte[] Encode(int[] shape, byte[] data)
    {
        var headerLength = IdxFormat.HeaderLength(shape.Length);
        var bytes = new byte[headerLength + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, IdxFormat.Magic(shape.Length));
        for (var axis = 0; axis < shape.Length; axis++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * axis)), shape[axis]);
        }

        data.CopyTo(bytes, headerLength);
        return bytes;
    }

    private static void WriteFile(string path, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(path);
        var gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        AtomicFile.Write(path, stream =>
        {
            if (!gzip)
            {
                stream.Write(content);
                return;
            }

            using var compressor = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
            compressor.Write(content);
        });
    }
}
