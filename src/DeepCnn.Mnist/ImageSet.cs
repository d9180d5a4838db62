namespace DeepCnn.Mnist;

/// <summary>
/// Grayscale images with one label each, kept as plain arrays: <see cref="Images"/> holds
/// <see cref="Count"/> × <see cref="Rows"/> × <see cref="Cols"/> bytes, image after image, each row-major.
/// </summary>
/// <remarks>This is one split of a data set, such as <c>(x_train, y_train)</c> in Keras.</remarks>
public sealed class ImageSet
{
    /// <summary>Wraps the arrays (without copying) after checking that their sizes agree.</summary>
    /// <param name="images">The pixels, image after image, each row-major.</param>
    /// <param name="labels">One label per image.</param>
    /// <param name="rows">The height of each image.</param>
    /// <param name="cols">The width of each image.</param>
    /// <exception cref="ArgumentException">The array sizes disagree with each other or with the image size.</exception>
    public ImageSet(byte[] images, byte[] labels, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if ((long)labels.Length * rows * cols != images.Length)
        {
            throw new ArgumentException(
                $"{images.Length} pixels do not make {labels.Length} images of {rows}x{cols}", nameof(images));
        }

        Images = images;
        Labels = labels;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>The pixels of all images (0 = black background, 255 = white ink), image after image, each row-major.</summary>
    public byte[] Images { get; }

    /// <summary>The label of each image.</summary>
    public byte[] Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The height of each image.</summary>
    public int Rows { get; }

    /// <summary>The width of each image.</summary>
    public int Cols { get; }

    /// <summary>The number of pixels in one image, <see cref="Rows"/> × <see cref="Cols"/>.</summary>
    public int PixelsPerImage => Rows * Cols;

    /// <summary>The pixels of image <paramref name="index"/>, row-major, without copying.</summary>
    /// <param name="index">The image's position, 0 to <see cref="Count"/> - 1.</param>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            CheckIndex(index);
            return Images.AsSpan(index * PixelsPerImage, PixelsPerImage);
        }
    }

    /// <summary>Copies images <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1 into a new set.</summary>
    /// <param name="start">The first image to take.</param>
    /// <param name="count">How many images to take.</param>
    /// <returns>A set that shares nothing with this one.</returns>
    public ImageSet Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count - start);
        return new ImageSet(
            Images.AsSpan(start * PixelsPerImage, count * PixelsPerImage).ToArray(),
            Labels.AsSpan(start, count).ToArray(),
            Rows,
            Cols);
    }

    /// <summary>The pixels scaled to [0, 1] (value / 255), the usual network input.</summary>
    /// <returns><see cref="Count"/> × <see cref="Rows"/> × <see cref="Cols"/> floats in the layout of <see cref="Images"/>.</returns>
    public float[] ToFloat() => Preprocessing.ScaleToUnit(Images);

    /// <summary>The labels one-hot encoded, like Keras's <c>to_categorical</c>.</summary>
    /// <param name="classCount">The number of classes; every label must be below it.</param>
    /// <returns><see cref="Count"/> × <paramref name="classCount"/> floats, row-major.</returns>
    public float[] ToCategorical(int classCount = Preprocessing.DefaultClassCount) =>
        Preprocessing.ToCategorical(Labels, classCount);

    private void CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
    }
}
