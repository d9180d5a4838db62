using System.Diagnostics;
using DeepCnn.Mnist.Acquisition;

namespace DeepCnn.Mnist.Tests;

public sealed class HttpSourceTests
{
    private readonly Dataset _data = Synthetic.Dataset(seed: 11);

    [Fact]
    public void A_mirror_of_gzipped_files_is_downloaded_and_decompressed_with_progress()
    {
        using var server = new LoopbackServer(_data.Content.ToDictionary(pair => pair.Key + ".gz", pair => Synthetic.Gzip(pair.Value)));
        var log = new StringWriter();

        var fetched = new HttpMirrorSource(server.BaseAddress).Fetch(_data.Files, log);

        foreach (var (name, content) in _data.Content)
        {
            Assert.Equal(content, fetched[name]);
        }

        Assert.Contains($"downloading {server.BaseAddress}train-images-idx3-ubyte.gz", log.ToString());
        Assert.Contains("train-images-idx3-ubyte.gz: 100%", log.ToString());
    }

    [Fact]
    public void A_missing_file_on_the_mirror_reports_the_status()
    {
        using var server = new LoopbackServer(new Dictionary<string, byte[]>());

        var error = Assert.Throws<HttpRequestException>(() => new HttpMirrorSource(server.BaseAddress).Fetch(_data.Files, TextWriter.Null));

        Assert.Contains("404", error.Message);
    }

    [Fact]
    public void An_unreachable_mirror_fails_fast_and_the_fetcher_reports_it()
    {
        var source = new HttpMirrorSource(new Uri($"http://127.0.0.1:{LoopbackServer.FreePort()}/mnist/"));
        var fetcher = new DatasetFetcher("Synthetic", _data.Files, [source]);
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<DataUnavailableException>(fetcher.Acquire);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains($"1. {source.Name}: ", error.Message);
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_keras_archive_is_downloaded_and_rebuilt_into_the_original_files()
    {
        var archive = NpzFiles.Archive(NpzFiles.MnistEntries(_data.Train, _data.Test));
        using var server = new LoopbackServer(new Dictionary<string, byte[]> { ["mnist.npz"] = archive });

        var fetched = new HttpNpzSource(new Uri(server.BaseAddress, "mnist.npz")).Fetch(_data.Files, TextWriter.Null);

        foreach (var file in _data.Files)
        {
            DatasetFetcher.Verify(file, fetched[file.Name], file.Name);
        }
    }

    [Fact]
    public void The_keras_cache_is_rebuilt_into_the_original_files()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.Combine("mnist.npz");
        File.WriteAllBytes(path, NpzFiles.Archive(NpzFiles.MnistEntries(_data.Train, _data.Test)));

        var fetched = new KerasCacheSource(path).Fetch(_data.Files, TextWriter.Null);

        foreach (var file in _data.Files)
        {
            DatasetFetcher.Verify(file, fetched[file.Name], file.Name);
        }
    }

    [Fact]
    public void An_absent_keras_cache_is_a_failure_that_names_the_path()
    {
        var error = Assert.Throws<FileNotFoundException>(() => new KerasCacheSource("/nonexistent/mnist.npz").Fetch(_data.Files, TextWriter.Null));

        Assert.Equal("/nonexistent/mnist.npz does not exist", error.Message);
    }
}
