namespace DeepCnn.Serialization;

/// <summary>
/// Thrown by <c>Sequential.Load</c> when a file is not a valid DeepCnn model: missing or
/// unreadable, wrong magic or version, malformed header, unknown layer, hyper-parameter out of
/// range, shapes that do not chain or do not match the architecture, or a size that disagrees
/// with the file. The message names the file and the problem.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception for a problem found in <paramref name="fileName"/>.</summary>
    /// <param name="fileName">The file (or stream name) being loaded.</param>
    /// <param name="problem">What is wrong, e.g. <c>layers[3].filters: must be at least 1, got 0</c>.</param>
    /// <param name="inner">The exception that revealed the problem, if any.</param>
    public ModelFormatException(string fileName, string problem, Exception? inner = null)
        : base($"{fileName}: {problem}", inner)
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The file (or stream name) that was being loaded.</summary>
    public string FileName { get; }

    /// <summary>The problem, without the file name.</summary>
    public string Problem { get; }
}
