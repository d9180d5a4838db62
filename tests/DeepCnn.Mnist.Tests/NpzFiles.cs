using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace DeepCnn.Mnist.Tests;

/// <summary>Builds .npy and .npz files the way NumPy writes them.</summary>
internal static class NpzFiles
{
    public static string Header(IEnumerable<int> shape, string descr = "|u1", string fortranOrder = "False")
    {
        var lengths = shape.ToList();
        var tuple = lengths.Count == 1 ? $"({lengths[0]},)" : $"({string.Join(", ", lengths)})";
        return $"{{'descr': '{descr}', 'fortran_order': {fortranOrder}, 'shape': {tuple}, }}";
    }

    /// <summary>A .npy file; like NumPy, pads the header with spaces and a newline to a multiple of 64 bytes.</summary>
    public static byte[] Npy(string header, byte[] data, byte major = 1)
    {
        var lengthSize = major == 1 ? 2 : 4;
        var prefix = 6 + 2 + lengthSize;
        var padded = header + new string(' ', 63 - ((prefix + header.Length) % 64)) + "\n";
        using var npy = new MemoryStream();
        npy.Write([0x93, .. "NUMPY"u8, major, 0]);
        var length = new byte[lengthSize];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)padded.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)padded.Length);
        }

        npy.Write(length);
        npy.Write(Encoding.ASCII.GetBytes(padded));
        npy.Write(data);
        return npy.ToArray();
    }

    public static byte[] Npy(int[] shape, byte[] data) => Npy(Header(shape), data);

    public static byte[] Archive(IReadOnlyDictionary<string, byte[]> entries)
    {
        using var archive = new MemoryStream();
        using (var zip = new ZipArchive(archive, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                entry.Write(content);
            }
        }

        return archive.ToArray();
    }

    /// <summary>The entries of a Keras mnist.npz holding the given splits.</summary>
    public static Dictionary<string, byte[]> MnistEntries(ImageSet train, ImageSet test) => new()
    {
        ["x_train.npy"] = Npy([train.Count, train.Rows, train.Cols], train.Images),
        ["y_train.npy"] = Npy([train.Count], train.Labels),
        ["x_test.npy"] = Npy([test.Count, test.Rows, test.Cols], test.Images),
        ["y_test.npy"] = Npy([test.Count], test.Labels),
    };
}
