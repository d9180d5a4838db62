using System.Text;

namespace DeepCnn.IO;

/// <summary>
/// Writes files so that readers see either the old file or the complete new one, never a partial
/// write: the content goes to a uniquely named temporary file in the same directory, which is then
/// renamed over the destination. Concurrent writers therefore never corrupt each other, and a crash
/// or Ctrl+C mid-write leaves the previous file in place.
/// </summary>
public static class AtomicFile
{
    /// <summary>The suffix of temporary files, so that tests and tools can recognise leftovers.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Atomically replaces <paramref name="path"/> with what <paramref name="write"/> produces.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"{path} has no directory", nameof(path));
        // Same directory: a rename within one file system is atomic; a unique name keeps concurrent writers apart.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            DeleteQuietly(temporary);
        }
    }

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="content"/>.</summary>
    public static void WriteAllBytes(string path, byte[] content) => Write(path, stream => stream.Write(content));

    /// <summary>Atomically replaces <paramref name="path"/> with UTF-8 text (no byte-order mark).</summary>
    public static void WriteAllText(string path, string content) =>
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content));

    // Cleanup must not mask the error that made it necessary.
    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
