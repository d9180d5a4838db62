using DeepCnn.Mnist.Acquisition;

namespace DeepCnn.Mnist.Tests;

/// <summary>A source whose behaviour a test decides, and which records every call in a shared journal.</summary>
internal sealed class FakeSource(
    string name, List<string> journal, Func<IReadOnlyList<DatasetFile>, IReadOnlyDictionary<string, byte[]>> fetch)
    : IMnistSource
{
    public string Name => name;

    public IReadOnlyDictionary<string, byte[]> Fetch(IReadOnlyList<DatasetFile> files, TextWriter log)
    {
        lock (journal)
        {
            journal.Add($"{name}: {string.Join(",", files.Select(file => file.Name))}");
        }

        return fetch(files);
    }

    public static FakeSource Failing(string name, List<string> journal, string reason) =>
        new(name, journal, _ => throw new HttpRequestException(reason));

    public static FakeSource Serving(string name, List<string> journal, IReadOnlyDictionary<string, byte[]> content) =>
        new(name, journal, files => files.ToDictionary(file => file.Name, file => content[file.Name]));

    /// <summary>Serves every requested file with its last byte flipped, as a damaged download would.</summary>
    public static FakeSource Corrupting(string name, List<string> journal, IReadOnlyDictionary<string, byte[]> content) =>
        new(name, journal, files => files.ToDictionary(file => file.Name, file =>
        {
            var damaged = content[file.Name].ToArray();
            damaged[^1] ^= 0xFF;
            return damaged;
        }));
}
