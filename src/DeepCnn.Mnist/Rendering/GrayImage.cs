namespace DeepCnn.Mnist.Rendering;

/// <summary>An 8-bit grayscale picture (0 = black, 255 = white), row-major.</summary>
public sealed class GrayImage
{
    /// <summary>Wraps <paramref name="pixels"/>, which must hold exactly <paramref name="width"/> × <paramref name="height"/> bytes.</summary>
    /// <param name="width">The width in pixels.</param>
    /// <param name="height">The height in pixels.</param>
    /// <param name="pixels">The pixels, row after row.</param>
    /// <exception cref="ArgumentException">The sizes disagree.</exception>
    public GrayImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if ((long)width * height != pixels.Length)
        {
            throw new ArgumentException($"{pixels.Length} pixels do not make a {width}x{height} image", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>The width in pixels.</summary>
    public int Width { get; }

    /// <summary>The height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row after row.</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixel at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
    /// <param name="x">The column, from the left.</param>
    /// <param name="y">The row, from the top.</param>
    public byte this[int x, int y] => Pixels[(y * Width) + x];
}
