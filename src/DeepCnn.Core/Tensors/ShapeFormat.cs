namespace DeepCnn.Tensors;

/// <summary>
/// Converts between the internal per-sample layout (channels first: [C, H, W] or [F]) and the
/// Keras channels-last shapes that users write and that <c>Summary()</c> prints.
/// </summary>
public static class ShapeFormat
{
    /// <summary>A Keras per-sample shape (H, W, C) or (F) to the internal one ([C, H, W] or [F]).</summary>
    public static int[] FromKeras(ReadOnlySpan<int> kerasShape) => kerasShape.Length switch
    {
        3 => [kerasShape[2], kerasShape[0], kerasShape[1]],
        1 => [kerasShape[0]],
        _ => throw new ShapeMismatchException($"Input shape {Format(kerasShape.ToArray())} is not supported: give (height, width, channels) for images or (features) for vectors."),
    };

    /// <summary>The internal per-sample shape to Keras order.</summary>
    public static int[] ToKeras(ReadOnlySpan<int> shape) => shape.Length switch
    {
        3 => [shape[1], shape[2], shape[0]],
        _ => shape.ToArray(),
    };

    /// <summary>The per-sample shape as Keras prints an output shape, e.g. <c>(None, 26, 26, 16)</c>.</summary>
    public static string FormatKerasBatch(ReadOnlySpan<int> shape) =>
        "(None, " + string.Join(", ", ToKeras(shape)) + ")";

    /// <summary>A shape as <c>[2, 3, 4]</c>.</summary>
    public static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>A shape as <c>[2, 3, 4]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape) => Format(shape.ToArray());
}
