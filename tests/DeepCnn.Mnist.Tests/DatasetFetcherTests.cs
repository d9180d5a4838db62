using DeepCnn.IO;
using DeepCnn.Mnist.Acquisition;
using DeepCnn.Mnist.IO;

namespace DeepCnn.Mnist.Tests;

public sealed class DatasetFetcherTests : IDisposable
{
    private readonly TemporaryDirectory _root = new();
    private readonly Dataset _data = Synthetic.Dataset(seed: 3);
    private readonly List<string> _journal = [];
    private readonly StringWriter _log = new();

    public void Dispose() => _root.Dispose();

    private string CacheDirectory => _root.Combine("cache");

    private string DataDirectory => _root.Combine("data");

    private string AllNames => string.Join(",", _data.Files.Select(file => file.Name));

    private DatasetFetcher Fetcher(string? dataDirectory, params IMnistSource[] sources) =>
        new("Synthetic", _data.Files, sources)
        {
            DataDirectory = dataDirectory,
            CacheDirectory = CacheDirectory,
            // Concurrent fetchers share the log.
            Log = TextWriter.Synchronized(_log),
            ManualInstructions = "copy them by hand.",
        };

    private void AssertHoldsExactlyTheVerifiedFiles(string directory)
    {
        Assert.Equal(_data.Files.Select(file => file.Name).Order(StringComparer.Ordinal), Directory.EnumerateFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (name, content) in _data.Content)
        {
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(directory, name)));
        }
    }

    private void AssertSameContent(IReadOnlyDictionary<string, byte[]> acquired)
    {
        Assert.Equal(_data.Content.Count, acquired.Count);
        foreach (var (name, content) in _data.Content)
        {
            Assert.Equal(content, acquired[name]);
        }
    }

    [Fact]
    public void Sources_are_tried_in_order_and_only_verified_files_are_cached()
    {
        var fetcher = Fetcher(
            null,
            FakeSource.Failing("offline mirror", _journal, "Name or service not known"),
            FakeSource.Corrupting("damaged mirror", _journal, _data.Content),
            FakeSource.Serving("good mirror", _journal, _data.Content),
            FakeSource.Serving("never asked", _journal, _data.Content));

        var acquired = fetcher.Acquire();

        AssertSameContent(acquired);
        Assert.Equal([$"offline mirror: {AllNames}", $"damaged mirror: {AllNames}", $"good mirror: {AllNames}"], _journal);
        AssertHoldsExactlyTheVerifiedFiles(CacheDirectory);
        Assert.Contains("offline mirror failed: Name or service not known", _log.ToString());
        Assert.Contains("damaged mirror failed", _log.ToString());
    }

    [Fact]
    public void Later_runs_read_the_cache_without_asking_any_source()
    {
        Fetcher(null, FakeSource.Serving("mirror", _journal, _data.Content)).Acquire();
        _journal.Clear();

        var acquired = Fetcher(null, FakeSource.Failing("offline", _journal, "no network")).Acquire();

        AssertSameContent(acquired);
        Assert.Empty(_journal);
    }

    [Fact]
    public void When_every_source_fails_the_error_lists_each_and_says_how_to_help()
    {
        var fetcher = Fetcher(
            DataDirectory,
            FakeSource.Failing("mirror one", _journal, "connection timed out"),
            FakeSource.Corrupting("mirror two", _journal, _data.Content));

        var error = Assert.Throws<DataUnavailableException>(fetcher.Acquire);

        Assert.Equal(["mirror one", "mirror two"], error.Failures.Select(failure => failure.SourceName));
        Assert.Contains("Synthetic is not available: could not obtain train-images-idx3-ubyte", error.Message);
        Assert.Contains($"{DataDirectory} (data directory)", error.Message);
        Assert.Contains($"{CacheDirectory} (cache)", error.Message);
        Assert.Contains("1. mirror one: connection timed out", error.Message);
        Assert.Contains("2. mirror two: train-images-idx3-ubyte from mirror two: checksum mismatch", error.Message);
        Assert.EndsWith("To provide the files by hand: copy them by hand.", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataDirectory) && Directory.EnumerateFileSystemEntries(DataDirectory).Any());
        Assert.False(Directory.Exists(CacheDirectory));
    }

    [Fact]
    public void A_partial_source_keeps_its_verified_files_and_the_next_source_is_asked_for_the_rest()
    {
        var halfContent = _data.Content.Where(pair => pair.Key.StartsWith("train", StringComparison.Ordinal)).ToDictionary();
        var partial = new FakeSource("partial", _journal, files => files
            .Where(file => halfContent.ContainsKey(file.Name))
            .ToDictionary(file => file.Name, file => halfContent[file.Name]));

        var acquired = Fetcher(null, partial, FakeSource.Serving("complete", _journal, _data.Content)).Acquire();

        AssertSameContent(acquired);
        Assert.Equal([$"partial: {AllNames}", "complete: t10k-images-idx3-ubyte,t10k-labels-idx1-ubyte"], _journal);
        AssertHoldsExactlyTheVerifiedFiles(CacheDirectory);
    }

    [Fact]
    public void The_data_directory_is_used_first_raw_or_gzipped()
    {
        _data.WriteTo(DataDirectory, gzip: true);

        var acquired = Fetcher(DataDirectory, FakeSource.Failing("offline", _journal, "no network")).Acquire();

        AssertSameContent(acquired);
        Assert.Empty(_journal);
        Assert.False(Directory.Exists(CacheDirectory));
    }

    [Fact]
    public void Data_directory_and_cache_complement_each_other()
    {
        _data.WriteTo(DataDirectory);
        _data.WriteTo(CacheDirectory);
        File.Delete(Path.Combine(DataDirectory, _data.Files[0].Name));

        var acquired = Fetcher(DataDirectory, FakeSource.Failing("offline", _journal, "no network")).Acquire();

        AssertSameContent(acquired);
        Assert.Empty(_journal);
    }

    [Fact]
    public void Fetched_files_go_to_the_data_directory_when_one_is_given()
    {
        Fetcher(DataDirectory, FakeSource.Serving("mirror", _journal, _data.Content)).Acquire();

        AssertHoldsExactlyTheVerifiedFiles(DataDirectory);
        Assert.False(Directory.Exists(CacheDirectory));
    }

    [Fact]
    public void A_corrupt_file_in_the_data_directory_is_an_error_and_is_left_alone()
    {
        _data.WriteTo(DataDirectory);
        var path = Path.Combine(DataDirectory, _data.Files[1].Name);
        var damaged = File.ReadAllBytes(path);
        damaged[^1] ^= 1;
        File.WriteAllBytes(path, damaged);

        var error = Assert.Throws<DataFormatException>(Fetcher(DataDirectory, FakeSource.Serving("mirror", _journal, _data.Content)).Acquire);

        Assert.Equal(path, error.FileName);
        Assert.Contains("checksum mismatch: SHA-256", error.Message);
        Assert.Contains($"but {_data.Files[1].Name} has {_data.Files[1].Sha256}", error.Message);
        Assert.Equal(damaged, File.ReadAllBytes(path));
        Assert.Empty(_journal);
    }

    [Fact]
    public void A_file_of_the_wrong_size_is_rejected_without_reading_it()
    {
        Directory.CreateDirectory(DataDirectory);
        var path = Path.Combine(DataDirectory, _data.Files[0].Name);
        File.WriteAllBytes(path, new byte[_data.Files[0].Length + 5]);

        var error = Assert.Throws<DataFormatException>(Fetcher(DataDirectory).Acquire);

        Assert.Equal($"{path}: size mismatch: {_data.Files[0].Length + 5} bytes, but {_data.Files[0].Name} has {_data.Files[0].Length}", error.Message);
    }

    [Fact]
    public void A_corrupt_cached_file_is_replaced_by_a_verified_one()
    {
        _data.WriteTo(CacheDirectory);
        var path = Path.Combine(CacheDirectory, _data.Files[2].Name);
        File.WriteAllBytes(path, [0, 0, 8, 3]);

        var acquired = Fetcher(null, FakeSource.Serving("mirror", _journal, _data.Content)).Acquire();

        AssertSameContent(acquired);
        Assert.Equal([$"mirror: {_data.Files[2].Name}"], _journal);
        AssertHoldsExactlyTheVerifiedFiles(CacheDirectory);
        Assert.Contains($"ignoring cached file: {path}: size mismatch", _log.ToString());
    }

    [Fact]
    public void A_data_directory_that_is_a_file_is_unreadable()
    {
        var path = _root.Combine("not-a-directory");
        File.WriteAllText(path, "");

        var error = Assert.Throws<DataUnavailableException>(Fetcher(path).Acquire);

        Assert.Equal($"{path}: unreadable directory: it is a file, not a directory", error.Message);
    }

    [Fact]
    public void An_unwritable_cache_costs_a_warning_not_the_data()
    {
        File.WriteAllText(CacheDirectory, "a file where the cache directory should be");

        var acquired = Fetcher(null, FakeSource.Serving("mirror", _journal, _data.Content)).Acquire();

        AssertSameContent(acquired);
        Assert.Contains("warning: could not store", _log.ToString());
    }

    [Fact]
    public async Task Concurrent_first_runs_do_not_corrupt_each_other()
    {
        using var bothFetching = new Barrier(2);
        var source = new FakeSource("slow mirror", _journal, files =>
        {
            // Both runs hold their downloads before either writes, the worst interleaving.
            bothFetching.SignalAndWait(TimeSpan.FromSeconds(10));
            return files.ToDictionary(file => file.Name, file => _data.Content[file.Name]);
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => Fetcher(null, source).Acquire())));

        Assert.All(results, AssertSameContent);
        Assert.Equal(2, _journal.Count);
        AssertHoldsExactlyTheVerifiedFiles(CacheDirectory);
    }

    [Fact]
    public void An_interrupted_write_leaves_nothing_behind()
    {
        Directory.CreateDirectory(CacheDirectory);
        var path = Path.Combine(CacheDirectory, "file");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("disk full");
        }));

        Assert.Empty(Directory.EnumerateFileSystemEntries(CacheDirectory));
    }

    [Fact]
    public void Acquired_files_parse_into_the_splits()
    {
        var (train, test) = SplitParser.Parse(Fetcher(null, FakeSource.Serving("mirror", _journal, _data.Content)).Acquire());

        Assert.Equal(_data.Train.Images, train.Images);
        Assert.Equal(_data.Train.Labels, train.Labels);
        Assert.Equal(_data.Test.Images, test.Images);
        Assert.Equal(_data.Test.Labels, test.Labels);
    }
}
