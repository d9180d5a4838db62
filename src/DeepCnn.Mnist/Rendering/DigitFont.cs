namespace DeepCnn.Mnist.Rendering;

/// <summary>
/// A 3x5 pixel font for the digits 0-9, enough to print labels under the images of a grid without
/// depending on a font library.
/// </summary>
internal static class DigitFont
{
    /// <summary>The width of one glyph.</summary>
    internal const int GlyphWidth = 3;

    /// <summary>The height of one glyph.</summary>
    internal const int GlyphHeight = 5;

    // Each glyph is five rows of three bits, most significant bit on the left.
    private static readonly byte[][] Glyphs =
    [
        [0b111, 0b101, 0b101, 0b101, 0b111],
        [0b010, 0b110, 0b010, 0b010, 0b111],
        [0b111, 0b001, 0b111, 0b100, 0b111],
        [0b111, 0b001, 0b111, 0b001, 0b111],
        [0b101, 0b101, 0b111, 0b001, 0b001],
        [0b111, 0b100, 0b111, 0b001, 0b111],
        [0b111, 0b100, 0b111, 0b101, 0b111],
        [0b111, 0b001, 0b010, 0b010, 0b010],
        [0b111, 0b101, 0b111, 0b101, 0b111],
        [0b111, 0b101, 0b111, 0b001, 0b111],
    ];

    /// <summary>The width of <paramref name="text"/> at scale 1, with one pixel between glyphs.</summary>
    internal static int Measure(string text) => text.Length == 0 ? 0 : (text.Length * (GlyphWidth + 1)) - 1;

    /// <summary>Draws the digits of <paramref name="text"/> into <paramref name="canvas"/>, each font pixel a square of <paramref name="scale"/>.</summary>
    internal static void Draw(byte[] canvas, int canvasWidth, int left, int top, string text, int scale, byte ink)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var glyph = Glyphs[text[i] - '0'];
            var glyphLeft = left + (i * (GlyphWidth + 1) * scale);
            for (var row = 0; row < GlyphHeight; row++)
            {
                for (var column = 0; column < GlyphWidth; column++)
                {
                    if ((glyph[row] & (1 << (GlyphWidth - 1 - column))) != 0)
                    {
                        Fill(canvas, canvasWidth, glyphLeft + (column * scale), top + (row * scale), scale, ink);
                    }
                }
            }
        }
    }

    private static void Fill(byte[] canvas, int canvasWidth, int left, int top, int size, byte ink)
    {
        for (var y = top; y < top + size; y++)
        {
            canvas.AsSpan((y * canvasWidth) + left, size).Fill(ink);
        }
    }
}
