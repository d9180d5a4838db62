namespace DeepCnn.Kernels;

/// <summary>
/// Fingerprints of the discrete decisions of piecewise-linear layers. Two forward passes with
/// equal fingerprints took the same linear piece, so a central difference between them is exact;
/// a change means the step crossed a kink, and the gradient checker skips that point.
/// </summary>
public static class Kinks
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>A hash of which elements are strictly positive (ReLU on/off).</summary>
    public static ulong PositiveMask(ReadOnlySpan<float> y)
    {
        ulong h = FnvOffset;
        ulong word = 0;
        for (int i = 0; i < y.Length; i++)
        {
            word = (word << 1) | (y[i] > 0f ? 1UL : 0UL);
            if ((i & 63) == 63)
            {
                h = (h ^ word) * FnvPrime;
                word = 0;
            }
        }
        return (h ^ word ^ (ulong)y.Length) * FnvPrime;
    }

    /// <summary>A hash of integer choices (e.g. MaxPool argmax positions).</summary>
    public static ulong Indices(ReadOnlySpan<int> indices)
    {
        ulong h = FnvOffset;
        foreach (int i in indices)
            h = (h ^ (uint)i) * FnvPrime;
        return h;
    }
}
