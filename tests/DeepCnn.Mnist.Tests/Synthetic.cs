using System.IO.Compression;
using System.Security.Cryptography;
using DeepCnn.Mnist.Acquisition;
using DeepCnn.Mnist.Idx;

namespace DeepCnn.Mnist.Tests;

/// <summary>Small, seeded, MNIST-shaped data, so tests never depend on the real files.</summary>
internal static class Synthetic
{
    public static ImageSet ImageSet(int count, int rows, int cols, int seed)
    {
        var random = new Random(seed);
        var images = new byte[count * rows * cols];
        random.NextBytes(images);
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)random.Next(10);
        }

        return new ImageSet(images, labels, rows, cols);
    }

    public static IdxImages Images(ImageSet set) => new(set.Images, set.Count, set.Rows, set.Cols);

    public static byte[] Gzip(byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }

        return compressed.ToArray();
    }

    /// <summary>A complete four-file data set with its own catalogue of checksums.</summary>
    public static Dataset Dataset(int seed)
    {
        var train = ImageSet(12, 4, 5, seed);
        var test = ImageSet(6, 4, 5, seed + 1);
        var content = new Dictionary<string, byte[]>
        {
            [IdxFileNames.TrainImages] = IdxWriter.EncodeImages(Images(train)),
            [IdxFileNames.TrainLabels] = IdxWriter.EncodeLabels(train.Labels),
            [IdxFileNames.TestImages] = IdxWriter.EncodeImages(Images(test)),
            [IdxFileNames.TestLabels] = IdxWriter.EncodeLabels(test.Labels),
        };
        var files = content
            .Select(pair => new DatasetFile(pair.Key, pair.Value.Length, Convert.ToHexStringLower(SHA256.HashData(pair.Value))))
            .ToList();
        return new Dataset(train, test, content, files);
    }
}

/// <summary>A synthetic data set: its splits, the bytes of its four files, and their catalogue.</summary>
internal sealed record Dataset(
    ImageSet Train, ImageSet Test, IReadOnlyDictionary<string, byte[]> Content, IReadOnlyList<DatasetFile> Files)
{
    public void WriteTo(string directory, bool gzip = false)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, bytes) in Content)
        {
            var path = Path.Combine(directory, gzip ? name + IdxFileNames.GzipSuffix : name);
            File.WriteAllBytes(path, gzip ? Synthetic.Gzip(bytes) : bytes);
        }
    }
}
