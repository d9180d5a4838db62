namespace DeepCnn.Mnist;

/// <summary>
/// Thrown when a data file exists but its content is not what it must be: a wrong magic number or
/// type code, absurd dimensions, a truncated file, trailing garbage, corrupt compression, labels
/// out of range, image and label counts that disagree, or a checksum mismatch.
/// </summary>
/// <remarks>The message always starts with the offending file so that it can be fixed or replaced.</remarks>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="fileName"/> with a description of the problem.</summary>
    /// <param name="fileName">The file (path or name) whose content is invalid.</param>
    /// <param name="problem">What is wrong with it, in words a user can act on.</param>
    /// <param name="innerException">The low-level error that revealed the problem, if any.</param>
    public DataFormatException(string fileName, string problem, Exception? innerException = null)
        : base($"{fileName}: {problem}", innerException)
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The file (path or name) whose content is invalid.</summary>
    public string FileName { get; }

    /// <summary>The problem found, without the file name.</summary>
    public string Problem { get; }
}
