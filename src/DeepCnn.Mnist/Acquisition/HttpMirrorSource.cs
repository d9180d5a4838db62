using System.IO.Compression;
using DeepCnn.Mnist.IO;

namespace DeepCnn.Mnist.Acquisition;

/// <summary>
/// A web mirror that serves each file gzipped under its own name plus <c>.gz</c>, such as the
/// MNIST mirror torchvision uses.
/// </summary>
public sealed class HttpMirrorSource : IMnistSource
{
    private readonly Uri _baseAddress;

    /// <summary>Creates a source for the mirror at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The folder URL the <c>.gz</c> files are in; should end with a slash.</param>
    public HttpMirrorSource(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        _baseAddress = baseAddress;
    }

    /// <inheritdoc />
    public string Name => $"mirror {_baseAddress}";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, byte[]> Fetch(IReadOnlyList<DatasetFile> files, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(log);
        var fetched = new Dictionary<string, byte[]>();
        foreach (var file in files)
        {
            var url = new Uri(_baseAddress, file.Name + IdxFileNames.GzipSuffix);
            log.WriteLine($"  downloading {url}");
            // Gzip can exceed its input on incompressible data, but never by much.
            var compressed = HttpDownload.Download(url, MaxBytes(file.Length + (1 << 20)), log);
            fetched[file.Name] = SafeIo.Guard(url.ToString(), () =>
            {
                using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
                return BoundedRead.ReadAtMost(gzip, MaxBytes(file.Length + 1));
            });
        }

        return fetched;
    }

    private static int MaxBytes(long bytes) => (int)Math.Min(bytes, Array.MaxLength);
}
