using System.Globalization;

namespace DeepCnn.Mnist.Rendering;

/// <summary>
/// Draws images of an <see cref="ImageSet"/> like <c>plt.matshow(image, cmap='gray')</c>: background
/// black, ink white, each data pixel a square block.
/// </summary>
public static class DigitRenderer
{
    // Gaps between grid cells: dark enough to keep the digits in focus, light enough to separate them.
    private const byte GapShade = 64;
    private const byte LabelInk = 255;

    /// <summary>Renders image <paramref name="index"/> of <paramref name="set"/>.</summary>
    /// <param name="set">The images.</param>
    /// <param name="index">Which image.</param>
    /// <param name="scale">The side of the square each pixel becomes.</param>
    /// <returns>A picture of <see cref="ImageSet.Cols"/> × <paramref name="scale"/> by <see cref="ImageSet.Rows"/> × <paramref name="scale"/>.</returns>
    public static GrayImage Render(ImageSet set, int index, int scale = 8)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        var width = set.Cols * scale;
        var canvas = new byte[width * set.Rows * scale];
        Blit(set[index], set.Rows, set.Cols, scale, canvas, width, 0, 0);
        return new GrayImage(width, set.Rows * scale, canvas);
    }

    /// <summary>Renders several images in a grid, optionally with each image's label printed under it.</summary>
    /// <param name="set">The images.</param>
    /// <param name="indices">Which images, in reading order.</param>
    /// <param name="columns">How many images per row of the grid.</param>
    /// <param name="scale">The side of the square each pixel becomes.</param>
    /// <param name="showLabels">Whether to print each image's label under it.</param>
    /// <returns>The grid as one picture.</returns>
    public static GrayImage RenderGrid(
        ImageSet set, IReadOnlyList<int> indices, int columns = 10, int scale = 2, bool showLabels = true)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentOutOfRangeException.ThrowIfZero(indices.Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        var gap = scale;
        var labelHeight = showLabels ? (DigitFont.GlyphHeight + 2) * scale : 0;
        var cellWidth = set.Cols * scale;
        var cellHeight = (set.Rows * scale) + labelHeight;
        var gridColumns = Math.Min(columns, indices.Count);
        var gridRows = (indices.Count + columns - 1) / columns;
        var width = (gridColumns * (cellWidth + gap)) + gap;
        var height = (gridRows * (cellHeight + gap)) + gap;
        var canvas = new byte[width * height];
        Array.Fill(canvas, GapShade);
        for (var i = 0; i < indices.Count; i++)
        {
            var left = gap + (i % columns * (cellWidth + gap));
            var top = gap + (i / columns * (cellHeight + gap));
            Blit(set[indices[i]], set.Rows, set.Cols, scale, canvas, width, left, top);
            if (showLabels)
            {
                DrawLabel(set.Labels[indices[i]], canvas, width, left, top + (set.Rows * scale), cellWidth, scale);
            }
        }

        return new GrayImage(width, height, canvas);
    }

    private static void DrawLabel(byte label, byte[] canvas, int canvasWidth, int left, int top, int cellWidth, int scale)
    {
        for (var y = top; y < top + ((DigitFont.GlyphHeight + 2) * scale); y++)
        {
            canvas.AsSpan((y * canvasWidth) + left, cellWidth).Clear();
        }

        var text = label.ToString(CultureInfo.InvariantCulture);
        var textLeft = left + ((cellWidth - (DigitFont.Measure(text) * scale)) / 2);
        DigitFont.Draw(canvas, canvasWidth, textLeft, top + scale, text, scale, LabelInk);
    }

    private static void Blit(
        ReadOnlySpan<byte> image, int rows, int cols, int scale, byte[] canvas, int canvasWidth, int left, int top)
    {
        for (var y = 0; y < rows * scale; y++)
        {
            var source = image.Slice(y / scale * cols, cols);
            var target = canvas.AsSpan(((top + y) * canvasWidth) + left, cols * scale);
            for (var x = 0; x < target.Length; x++)
            {
                target[x] = source[x / scale];
            }
        }
    }
}
