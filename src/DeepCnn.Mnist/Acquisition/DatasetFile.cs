namespace DeepCnn.Mnist.Acquisition;

/// <summary>A file of a data set as it must be: its name, exact length and SHA-256 checksum of the uncompressed bytes.</summary>
/// <param name="Name">The file name, e.g. <c>train-images-idx3-ubyte</c>.</param>
/// <param name="Length">The uncompressed length in bytes; lets a wrong file be rejected before it is read.</param>
/// <param name="Sha256">The SHA-256 of the uncompressed bytes, as lowercase hexadecimal.</param>
public sealed record DatasetFile(string Name, long Length, string Sha256);
