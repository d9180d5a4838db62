using DeepCnn.Tensors;

namespace DeepCnn.Layers;

/// <summary>
/// A grow-only buffer with a cached tensor view of the last shape asked for: unlike
/// <see cref="Workspace.Rent(ref float[], ReadOnlySpan{int})"/>, asking again for the same batch
/// returns the same view, so a layer's steady state allocates nothing.
/// </summary>
internal sealed class ScratchTensor
{
    private float[] _buffer = [];
    private Tensor? _view;

    /// <summary>A view [batch, ...sample] over the buffer, growing it if needed. Contents are unspecified.</summary>
    public Tensor Get(int batch, int[] sample)
    {
        if (_view is not null && _view.Dim(0) == batch && _view.Shape[1..].SequenceEqual(sample))
            return _view;
        _view = Workspace.Rent(ref _buffer, [batch, .. sample]);
        return _view;
    }

    /// <summary>The view returned last, which must exist and have <paramref name="batch"/> items.</summary>
    public Tensor Current(int batch)
    {
        if (_view is null || _view.Dim(0) != batch)
            throw new InvalidOperationException($"No buffer of batch {batch} has been written yet.");
        return _view;
    }

    /// <summary>The first <paramref name="length"/> floats of <paramref name="buffer"/>, growing it if needed: a grow-only span without a tensor view.</summary>
    public static Span<T> Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = new T[length];
        return buffer.AsSpan(0, length);
    }
}
