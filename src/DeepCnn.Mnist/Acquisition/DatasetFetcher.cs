using DeepCnn.IO;
using System.Security.Cryptography;
using System.Text;
using DeepCnn.Mnist.IO;

namespace DeepCnn.Mnist.Acquisition;

/// <summary>
/// Finds the files of a data set, or fetches them, and guarantees that what it returns is verified.
/// </summary>
/// <remarks>
/// <para>Lookup order, per file: <see cref="DataDirectory"/>, then <see cref="CacheDirectory"/>, then
/// each source in order. A file is found under its name or its name plus <c>.gz</c>.</para>
/// <para>Every file is checked against its length and SHA-256 before it is used. A file in the
/// data directory that fails the check is an error (it is the user's, and is left alone); one in
/// the cache is ignored and replaced.</para>
/// <para>Fetched files are stored, uncompressed, in the data directory if one is given, else in
/// the cache directory, each written atomically (temporary file plus rename), so an interrupted
/// fetch leaves nothing half-written and concurrent first runs cannot corrupt each other.</para>
/// </remarks>
public sealed class DatasetFetcher
{
    private readonly IReadOnlyList<DatasetFile> _files;
    private readonly IReadOnlyList<IMnistSource> _sources;

    /// <summary>Creates a fetcher for <paramref name="files"/> that falls back on <paramref name="sources"/>, in order.</summary>
    /// <param name="datasetName">The data set's name for messages, e.g. "MNIST".</param>
    /// <param name="files">The files of the data set, with their checksums.</param>
    /// <param name="sources">Where to fetch files that are not found locally, tried in order.</param>
    public DatasetFetcher(string datasetName, IReadOnlyList<DatasetFile> files, IReadOnlyList<IMnistSource> sources)
    {
        ArgumentNullException.ThrowIfNull(datasetName);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(sources);
        DatasetName = datasetName;
        _files = files;
        _sources = sources;
    }

    /// <summary>The data set's name for messages.</summary>
    public string DatasetName { get; }

    /// <summary>A directory the user chose; looked in first, and where fetched files go when set.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The cache; looked in after <see cref="DataDirectory"/>, and where fetched files go otherwise.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Where progress messages go.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>How to provide the files by hand; ends the message when every source failed.</summary>
    public string ManualInstructions { get; init; } = "";

    /// <summary>Returns the verified, uncompressed content of every file, fetching and caching the missing ones.</summary>
    /// <returns>The content of each file, keyed by <see cref="DatasetFile.Name"/>.</returns>
    /// <exception cref="DataFormatException">A file in <see cref="DataDirectory"/> is not the file it must be.</exception>
    /// <exception cref="DataUnavailableException">The data directory is unreadable, or some file could be had from nowhere.</exception>
    public IReadOnlyDictionary<string, byte[]> Acquire()
    {
        if (DataDirectory is not null)
        {
            CheckReadable(DataDirectory);
        }

        var found = new Dictionary<string, byte[]>();
        var rejected = new List<string>();
        foreach (var file in _files)
        {
            var content = (DataDirectory is null ? null : FindLocal(DataDirectory, file))
                ?? FindInCache(file, rejected);
            if (content is not null)
            {
                found[file.Name] = content;
            }
        }

        var missing = _files.Where(file => !found.ContainsKey(file.Name)).ToList();
        var failures = new List<SourceFailure>();
        foreach (var source in _sources)
        {
            if (missing.Count == 0)
            {
                break;
            }

            var failure = FetchFrom(source, missing, found);
            if (failure is not null)
            {
                failures.Add(failure);
            }
        }

        if (missing.Count > 0)
        {
            throw Unavailable(missing, rejected, failures);
        }

        return found;
    }

    /// <summary>Checks a file's content against its expected length and checksum.</summary>
    /// <exception cref="DataFormatException">The content is not the file's.</exception>
    internal static void Verify(DatasetFile file, byte[] content, string origin)
    {
        if (content.Length != file.Length)
        {
            throw new DataFormatException(
                origin, $"size mismatch: {content.Length} bytes, but {file.Name} has {file.Length}");
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(content));
        if (!actual.Equals(file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new DataFormatException(
                origin, $"checksum mismatch: SHA-256 {actual}, but {file.Name} has {file.Sha256}");
        }
    }

    private static void CheckReadable(string directory)
    {
        if (File.Exists(directory))
        {
            throw new DataUnavailableException($"{directory}: unreadable directory: it is a file, not a directory");
        }

        if (!Directory.Exists(directory))
        {
            return;
        }

        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataUnavailableException($"{directory}: unreadable directory ({e.Message})", e);
        }
    }

    /// <summary>Reads and verifies a file from a directory; null when the directory does not have it.</summary>
    private static byte[]? FindLocal(string directory, DatasetFile file)
    {
        foreach (var candidate in new[] { file.Name, file.Name + IdxFileNames.GzipSuffix })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                var content = ReadUncompressed(path, file);
                Verify(file, content, path);
                return content;
            }
        }

        return null;
    }

    /// <summary>Reads at most one byte more than the file should have, so a wrong file cannot exhaust memory.</summary>
    private static byte[] ReadUncompressed(string path, DatasetFile file) =>
        SafeIo.Guard(path, () =>
        {
            using var stream = Decompression.OpenUncompressed(SafeIo.OpenRead(path), out var knownLength);
            if (knownLength is long length && length != file.Length)
            {
                throw new DataFormatException(path, $"size mismatch: {length} bytes, but {file.Name} has {file.Length}");
            }

            return BoundedRead.ReadAtMost(stream, (int)Math.Min(file.Length + 1, Array.MaxLength));
        });

    private byte[]? FindInCache(DatasetFile file, List<string> rejected)
    {
        if (CacheDirectory is null || SameDirectory(CacheDirectory, DataDirectory))
        {
            return null;
        }

        try
        {
            return FindLocal(CacheDirectory, file);
        }
        catch (Exception e) when (e is DataFormatException or DataUnavailableException)
        {
            // The cache is ours: a bad file there is replaced rather than reported.
            rejected.Add(e.Message);
            Log.WriteLine($"{DatasetName}: ignoring cached file: {e.Message}");
            return null;
        }
    }

    /// <summary>Asks one source for the missing files; verified ones move from <paramref name="missing"/> to <paramref name="found"/>.</summary>
    /// <returns>Why the source failed, or null when it provided everything it was asked for.</returns>
    private SourceFailure? FetchFrom(IMnistSource source, List<DatasetFile> missing, Dictionary<string, byte[]> found)
    {
        Log.WriteLine($"{DatasetName}: fetching {string.Join(", ", missing.Select(file => file.Name))} from {source.Name}");
        IReadOnlyDictionary<string, byte[]> fetched;
        try
        {
            fetched = source.Fetch([.. missing], Log);
        }
        catch (Exception e)
        {
            // Any failure of one source, whatever its type, is a reason to try the next one.
            var reason = Describe(e);
            Log.WriteLine($"{DatasetName}: {source.Name} failed: {reason}");
            return new SourceFailure(source.Name, reason);
        }

        var problems = new List<string>();
        foreach (var file in missing.ToList())
        {
            if (!fetched.TryGetValue(file.Name, out var content))
            {
                problems.Add($"{file.Name}: not provided");
                continue;
            }

            try
            {
                Verify(file, content, $"{file.Name} from {source.Name}");
            }
            catch (DataFormatException e)
            {
                problems.Add(e.Message);
                continue;
            }

            Store(file, content);
            found[file.Name] = content;
            missing.Remove(file);
        }

        if (problems.Count == 0)
        {
            return null;
        }

        var problemText = string.Join("; ", problems);
        Log.WriteLine($"{DatasetName}: {source.Name} failed: {problemText}");
        return new SourceFailure(source.Name, problemText);
    }

    private void Store(DatasetFile file, byte[] content)
    {
        var directory = DataDirectory ?? CacheDirectory;
        if (directory is null)
        {
            return;
        }

        var path = Path.Combine(directory, file.Name);
        try
        {
            Directory.CreateDirectory(directory);
            AtomicFile.WriteAllBytes(path, content);
            Log.WriteLine($"{DatasetName}: verified and stored {path}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The data is verified and in memory; failing to cache it only costs a later fetch.
            Log.WriteLine($"{DatasetName}: warning: could not store {path} ({e.Message}); it will be fetched again next time");
        }
    }

    private DataUnavailableException Unavailable(
        List<DatasetFile> missing, List<string> rejected, List<SourceFailure> failures)
    {
        var message = new StringBuilder()
            .AppendLine($"{DatasetName} is not available: could not obtain {string.Join(", ", missing.Select(file => file.Name))}.")
            .AppendLine("Looked in:");
        foreach (var (directory, role) in new[] { (DataDirectory, "data directory"), (CacheDirectory, "cache") })
        {
            if (directory is not null)
            {
                message.AppendLine($"  - {directory} ({role})");
            }
        }

        foreach (var reason in rejected)
        {
            message.AppendLine($"  - rejected {reason}");
        }

        if (failures.Count == 0)
        {
            message.AppendLine("No download source is configured.");
        }
        else
        {
            message.AppendLine("Sources tried:");
            for (var i = 0; i < failures.Count; i++)
            {
                message.AppendLine($"  {i + 1}. {failures[i].SourceName}: {failures[i].Reason}");
            }
        }

        message.Append("To provide the files by hand: ").Append(ManualInstructions);
        return new DataUnavailableException(message.ToString().TrimEnd(), failures);
    }

    private static bool SameDirectory(string directory, string? other) =>
        other is not null && Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar)
            == Path.GetFullPath(other).TrimEnd(Path.DirectorySeparatorChar);

    /// <summary>The exception's message followed by its causes, which often hold the useful part (e.g. a DNS error).</summary>
    private static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!parts.Contains(e.Message))
            {
                parts.Add(e.Message);
            }
        }

        return string.Join(" <- ", parts);
    }
}
