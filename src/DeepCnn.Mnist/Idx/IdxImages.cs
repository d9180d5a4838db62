namespace DeepCnn.Mnist.Idx;

/// <summary>The content of an IDX image file: a stack of equally sized grayscale images.</summary>
public sealed class IdxImages
{
    /// <summary>Wraps <paramref name="pixels"/>, which must hold exactly count × rows × cols bytes.</summary>
    /// <param name="pixels">The pixels of all images, image after image, each row-major.</param>
    /// <param name="count">The number of images.</param>
    /// <param name="rows">The height of each image.</param>
    /// <param name="cols">The width of each image.</param>
    /// <exception cref="ArgumentException">The sizes are negative or disagree with the pixel count.</exception>
    public IdxImages(byte[] pixels, int count, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if ((long)count * rows * cols != pixels.Length)
        {
            throw new ArgumentException(
                $"{pixels.Length} pixels do not make {count} images of {rows}x{cols}", nameof(pixels));
        }

        Pixels = pixels;
        Count = count;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>The pixels of all images, image after image, each row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>The number of images.</summary>
    public int Count { get; }

    /// <summary>The height of each image.</summary>
    public int Rows { get; }

    /// <summary>The width of each image.</summary>
    public int Cols { get; }
}
