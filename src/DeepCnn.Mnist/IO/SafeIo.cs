namespace DeepCnn.Mnist.IO;

/// <summary>
/// Turns the low-level exceptions of reading a file into the two documented data exceptions, so
/// that callers only ever see <see cref="DataFormatException"/> or <see cref="DataUnavailableException"/>,
/// each naming the file.
/// </summary>
internal static class SafeIo
{
    /// <summary>Runs <paramref name="read"/>, translating its I/O and decoding failures for <paramref name="fileName"/>.</summary>
    internal static T Guard<T>(string fileName, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FileNotFoundException e)
        {
            throw new DataUnavailableException($"{fileName}: file not found", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DataUnavailableException($"{fileName}: file not found (its directory does not exist)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataUnavailableException($"{fileName}: permission denied ({e.Message})", e);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(fileName, $"corrupt compressed data ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new DataUnavailableException($"{fileName}: read error ({e.Message})", e);
        }
        catch (OverflowException e)
        {
            throw new DataFormatException(fileName, "a size in the file overflows", e);
        }
        catch (OutOfMemoryException e)
        {
            throw new DataFormatException(fileName, "the file is too large to hold in memory", e);
        }
    }

    /// <summary>Opens <paramref name="path"/> for reading; wrap the call in <see cref="Guard"/>.</summary>
    internal static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
}
