namespace DeepCnn.Mnist.Acquisition;

/// <summary>One acquisition source that could not provide the data, and why.</summary>
/// <param name="SourceName">The <see cref="IMnistSource.Name"/> of the source.</param>
/// <param name="Reason">What went wrong, e.g. a network error or a checksum mismatch.</param>
public sealed record SourceFailure(string SourceName, string Reason);
