using System.IO.Compression;
using DeepCnn.Mnist.Idx;
using DeepCnn.Mnist.IO;

namespace DeepCnn.Mnist.Npz;

/// <summary>
/// Reads Keras's MNIST cache file <c>mnist.npz</c>: a zip of the unsigned-byte arrays
/// <c>x_train</c>, <c>y_train</c>, <c>x_test</c> and <c>y_test</c>, each a <c>.npy</c> file.
/// </summary>
public static class KerasNpz
{
    /// <summary>The name Keras gives the file in its cache, <c>~/.keras/datasets/mnist.npz</c>.</summary>
    public const string FileName = "mnist.npz";

    /// <summary>Reads the train and test splits from a <c>mnist.npz</c> file.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The splits, like <c>keras.datasets.mnist.load_data()</c>.</returns>
    /// <exception cref="DataFormatException">The file is not a valid archive of valid arrays.</exception>
    /// <exception cref="DataUnavailableException">The file is missing or cannot be read.</exception>
    public static (ImageSet Train, ImageSet Test) Load(string path) =>
        SafeIo.Guard(path, () =>
        {
            using var file = SafeIo.OpenRead(path);
            return ReadArchive(file, path);
        });

    /// <summary>Reads the train and test splits from the content of a <c>mnist.npz</c> file.</summary>
    /// <param name="archive">The archive's bytes; must be seekable.</param>
    /// <param name="archiveName">The name used in error messages.</param>
    /// <returns>The splits, like <c>keras.datasets.mnist.load_data()</c>.</returns>
    /// <exception cref="DataFormatException">The content is not a valid archive of valid arrays.</exception>
    public static (ImageSet Train, ImageSet Test) Read(Stream archive, string archiveName) =>
        SafeIo.Guard(archiveName, () => ReadArchive(archive, archiveName));

    /// <summary>Encodes the splits as the four standard IDX files, byte for byte what the originals hold.</summary>
    internal static Dictionary<string, byte[]> ToIdxFiles(ImageSet train, ImageSet test) => new()
    {
        [IdxFileNames.TrainImages] = IdxWriter.EncodeImages(new IdxImages(train.Images, train.Count, train.Rows, train.Cols)),
        [IdxFileNames.TrainLabels] = IdxWriter.EncodeLabels(train.Labels),
        [IdxFileNames.TestImages] = IdxWriter.EncodeImages(new IdxImages(test.Images, test.Count, test.Rows, test.Cols)),
        [IdxFileNames.TestLabels] = IdxWriter.EncodeLabels(test.Labels),
    };

    private static (ImageSet Train, ImageSet Test) ReadArchive(Stream archive, string archiveName)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(archive, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(archiveName, $"not a valid .npz (zip) archive ({e.Message})", e);
        }

        using (zip)
        {
            return (ReadSplit(zip, archiveName, "train"), ReadSplit(zip, archiveName, "test"));
        }
    }

    private static ImageSet ReadSplit(ZipArchive zip, string archiveName, string split)
    {
        var (imagesName, images) = ReadArray(zip, archiveName, $"x_{split}.npy");
        var (labelsName, labels) = ReadArray(zip, archiveName, $"y_{split}.npy");
        var shape = images.Shape;
        if (shape.Length != 3 || shape[1] is < 1 or > IdxFormat.MaxAxisLength || shape[2] is < 1 or > IdxFormat.MaxAxisLength)
        {
            throw new DataFormatException(
                imagesName,
                $"absurd dimensions: images must have shape (count, rows, cols) with rows and cols between 1 and {IdxFormat.MaxAxisLength}, not ({string.Join(", ", shape)})");
        }

        if (labels.Shape.Length != 1)
        {
            throw new DataFormatException(
                labelsName, $"wrong rank: labels must have shape (count,), not ({string.Join(", ", labels.Shape)})");
        }

        return IdxReader.Pair(
            new IdxImages(images.Data, shape[0], shape[1], shape[2]),
            imagesName,
            labels.Data,
            labelsName,
            Preprocessing.DefaultClassCount);
    }

    private static (string Name, NpyArray Array) ReadArray(ZipArchive zip, string archiveName, string entryName)
    {
        var entry = zip.GetEntry(entryName)
            ?? throw new DataFormatException(archiveName, $"missing array: the archive has no {entryName}");
        var name = $"{archiveName}/{entryName}";
        using var stream = entry.Open();
        return (name, NpyReader.ReadUInt8(stream, name));
    }
}
