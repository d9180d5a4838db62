using DeepCnn.Mnist.Npz;

namespace DeepCnn.Mnist.Acquisition;

/// <summary>
/// A web address of Keras's <c>mnist.npz</c>, from which the four IDX files are rebuilt byte for
/// byte (and then verified like any other download).
/// </summary>
public sealed class HttpNpzSource : IMnistSource
{
    // mnist.npz is about 11 MB; anything far larger is not it.
    private const int MaxArchiveBytes = 128 << 20;

    private readonly Uri _address;

    /// <summary>Creates a source for the <c>mnist.npz</c> at <paramref name="address"/>.</summary>
    /// <param name="address">The URL of the archive.</param>
    public HttpNpzSource(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _address = address;
    }

    /// <inheritdoc />
    public string Name => $"Keras archive {_address}";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, byte[]> Fetch(IReadOnlyList<DatasetFile> files, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        log.WriteLine($"  downloading {_address}");
        var archive = HttpDownload.Download(_address, MaxArchiveBytes, log);
        var (train, test) = KerasNpz.Read(new MemoryStream(archive, writable: false), _address.ToString());
        return KerasNpz.ToIdxFiles(train, test);
    }
}
