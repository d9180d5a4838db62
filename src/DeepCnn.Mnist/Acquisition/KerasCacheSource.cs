using DeepCnn.Mnist.Npz;

namespace DeepCnn.Mnist.Acquisition;

/// <summary>
/// Keras's own cache file, usually <c>~/.keras/datasets/mnist.npz</c>: on a machine where Keras
/// already downloaded MNIST, the four IDX files are rebuilt from it without any download.
/// </summary>
public sealed class KerasCacheSource : IMnistSource
{
    private readonly string _path;

    /// <summary>Creates a source for the <c>mnist.npz</c> at <paramref name="path"/>.</summary>
    /// <param name="path">The archive's path; it need not exist.</param>
    public KerasCacheSource(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        _path = path;
    }

    /// <inheritdoc />
    public string Name => $"Keras cache {_path}";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, byte[]> Fetch(IReadOnlyList<DatasetFile> files, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!File.Exists(_path))
        {
            throw new FileNotFoundException($"{_path} does not exist", _path);
        }

        log.WriteLine($"  reading {_path}");
        var (train, test) = KerasNpz.Load(_path);
        return KerasNpz.ToIdxFiles(train, test);
    }
}
