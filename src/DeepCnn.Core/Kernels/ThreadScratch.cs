namespace DeepCnn.Kernels;

/// <summary>The scratch buffers a kernel needs while it processes one batch item.</summary>
internal enum ScratchSlot
{
    /// <summary>The zero-padded input planes of a direct convolution.</summary>
    PaddedInput,

    /// <summary>An output on the padded-width grid, before its garbage columns are dropped.</summary>
    OutputGrid,

    /// <summary>dz on the forward output grid (weight gradient).</summary>
    GradientGrid,

    /// <summary>dz zero-padded for the input gradient.</summary>
    PaddedGradient,

    /// <summary>im2col columns, or dz for the explicit path.</summary>
    Columns,

    /// <summary>The input gradient in column form (before col2im).</summary>
    GradientColumns,

    /// <summary>A transposed GEMM operand.</summary>
    Transposed,
}

/// <summary>
/// Per-thread, grow-only scratch buffers shared by every layer: the buffers of a batch item stay
/// hot in L1/L2 from one kernel to the next, and the steady state allocates nothing. A buffer
/// is only valid until the same thread asks for the same slot again.
/// </summary>
internal static class ThreadScratch
{
    [ThreadStatic]
    private static float[][]? t_buffers;

    [ThreadStatic]
    private static int[]? t_rows;

    /// <summary>The first <paramref name="length"/> floats of this thread's buffer for <paramref name="slot"/>; contents unspecified.</summary>
    public static Span<float> Get(ScratchSlot slot, int length)
    {
        var buffers = t_buffers ??= CreateBuffers();
        ref float[] buffer = ref buffers[(int)slot];
        if (buffer.Length < length)
            buffer = new float[length];
        return buffer.AsSpan(0, length);
    }

    /// <summary>This thread's buffer for a GEMM row-offset table of <paramref name="length"/> entries; contents unspecified.</summary>
    public static Span<int> GetRows(int length)
    {
        if (t_rows is null || t_rows.Length < length)
            t_rows = new int[length];
        return t_rows.AsSpan(0, length);
    }

    private static float[][] CreateBuffers()
    {
        var buffers = new float[Enum.GetValues<ScratchSlot>().Length][];
        for (int i = 0; i < buffers.Length; i++)
            buffers[i] = [];
        return buffers;
    }
}
