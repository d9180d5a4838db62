namespace DeepCnn.Tensors;

/// <summary>
/// Grow-only scratch buffers: a layer keeps a <c>float[]</c> field and asks for a view of the
/// shape it needs this step. The array is reallocated only when a larger batch arrives, so the
/// steady state of training allocates no activation-sized memory.
/// </summary>
internal static class Workspace
{
    /// <summary>A view of <paramref name="shape"/> over <paramref name="buffer"/>, growing it if needed. Contents are unspecified.</summary>
    public static Tensor Rent(ref float[] buffer, ReadOnlySpan<int> shape)
    {
        int length = Tensor.CheckedLength(shape);
        if (buffer.Length < length)
            buffer = new float[length];
        return View(buffer, shape);
    }

    /// <summary>A view of the first elements of <paramref name="buffer"/> with <paramref name="shape"/>.</summary>
    public static Tensor View(float[] buffer, ReadOnlySpan<int> shape)
    {
        int length = Tensor.CheckedLength(shape);
        return Tensor.FromArray(buffer, buffer.Length).SliceBatch(0, length).Reshape(shape.ToArray());
    }

    /// <summary>An int buffer of at least <paramref name="length"/> elements.</summary>
    public static Span<int> Rent(ref int[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = new int[length];
        return buffer.AsSpan(0, length);
    }
}
