using DeepCnn.Mnist.Acquisition;

namespace DeepCnn.Mnist;

/// <summary>
/// Thrown when data cannot be obtained at all: a file or directory is missing or unreadable, or
/// every acquisition source failed.
/// </summary>
/// <remarks>
/// When acquisition failed, <see cref="Failures"/> lists each source tried and why it failed, and the
/// message repeats them together with instructions for providing the files by hand.
/// </remarks>
public sealed class DataUnavailableException : Exception
{
    /// <summary>Creates the exception with a message that names what is missing and why.</summary>
    /// <param name="message">The complete, user-facing explanation.</param>
    /// <param name="innerException">The low-level error behind it, if any.</param>
    public DataUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failures = [];
    }

    /// <summary>Creates the exception for a failed acquisition.</summary>
    /// <param name="message">The complete, user-facing explanation, including every failure.</param>
    /// <param name="failures">Each source tried, in order, with the reason it failed.</param>
    public DataUnavailableException(string message, IReadOnlyList<SourceFailure> failures)
        : base(message)
    {
        Failures = failures;
    }

    /// <summary>The sources tried, in order, with why each failed; empty when no source was involved.</summary>
    public IReadOnlyList<SourceFailure> Failures { get; }
}
