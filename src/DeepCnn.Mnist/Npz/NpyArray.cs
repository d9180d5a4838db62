namespace DeepCnn.Mnist.Npz;

/// <summary>An unsigned-byte array read from a NumPy <c>.npy</c> file.</summary>
public sealed class NpyArray
{
    /// <summary>Wraps <paramref name="data"/>, which must hold exactly the product of <paramref name="shape"/> bytes.</summary>
    /// <param name="shape">The length of each axis; empty for a scalar.</param>
    /// <param name="data">The elements in C (row-major) order.</param>
    /// <exception cref="ArgumentException">The data length is not the product of the shape.</exception>
    public NpyArray(int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Aggregate(1L, (product, length) => product * length) != data.Length)
        {
            throw new ArgumentException($"{data.Length} bytes do not fill shape ({string.Join(", ", shape)})", nameof(data));
        }

        Shape = shape;
        Data = data;
    }

    /// <summary>The length of each axis; empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>The elements in C (row-major) order.</summary>
    public byte[] Data { get; }
}
