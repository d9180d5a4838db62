using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Text;

namespace DeepCnn.Tensors;

/// <summary>
/// A dense float32 tensor: a shape over a contiguous, row-major window of a <c>float[]</c>.
/// </summary>
/// <remarks>
/// Images are stored NCHW (batch, channels, height, width): each channel plane is contiguous, so
/// convolution kernels vectorize along a row and im2col reads whole rows. The Keras API shapes
/// (height, width, channels) are accepted where a user writes them and converted at the boundary
/// (<see cref="FromNhwc"/>, <see cref="ShapeFormat.FromKeras"/>). Views (<see cref="Reshape"/>,
/// <see cref="SliceBatch"/>) share storage and never copy.
/// </remarks>
public sealed class Tensor
{
    private readonly float[] _data;
    private readonly int _offset;
    private readonly int[] _shape;

    /// <summary>Creates a zero-filled tensor of the given shape.</summary>
    public Tensor(params int[] shape)
        : this(new float[CheckedLength(shape)], 0, shape)
    {
    }

    private Tensor(float[] data, int offset, int[] shape)
    {
        _data = data;
        _offset = offset;
        _shape = (int[])shape.Clone();
        Length = CheckedLength(shape);
        if (offset < 0 || offset + Length > data.Length)
            throw new ArgumentException($"A view of shape {ShapeFormat.Format(shape)} at offset {offset} does not fit in {data.Length} elements.");
    }

    /// <summary>Wraps an existing array (no copy). Its length must equal the product of <paramref name="shape"/>.</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        int length = CheckedLength(shape);
        if (length != data.Length)
            throw new ShapeMismatchException($"An array of {data.Length} elements cannot have shape {ShapeFormat.Format(shape)} ({length} elements).");
        return new Tensor(data, 0, shape);
    }

    /// <summary>
    /// Copies channels-last data (Keras order, shape [N, H, W, C]) into a new NCHW tensor [N, C, H, W].
    /// </summary>
    public static Tensor FromNhwc(ReadOnlySpan<float> nhwc, int n, int h, int w, int c)
    {
        if (nhwc.Length != (long)n * h * w * c)
            throw new ShapeMismatchException($"Channels-last data of {nhwc.Length} elements does not match [N={n}, H={h}, W={w}, C={c}].");
        var t = new Tensor(n, c, h, w);
        Layout.NhwcToNchw(nhwc, t.Span, n, h, w, c);
        return t;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>Size of dimension <paramref name="axis"/>.</summary>
    public int Dim(int axis) => _shape[axis];

    /// <summary>The elements, row-major.</summary>
    public Span<float> Span => _data.AsSpan(_offset, Length);

    /// <summary>Element access by flat row-major index.</summary>
    public ref float this[int index] => ref Span[index];

    /// <summary>Element access for a rank-2 tensor.</summary>
    public ref float this[int i, int j] => ref _data[_offset + (i * _shape[1]) + j];

    /// <summary>Element access for a rank-4 (NCHW) tensor.</summary>
    public ref float this[int n, int c, int h, int w] =>
        ref _data[_offset + (((((n * _shape[1]) + c) * _shape[2]) + h) * _shape[3]) + w];

    /// <summary>A view with another shape of the same element count (no copy).</summary>
    public Tensor Reshape(params int[] shape)
    {
        if (CheckedLength(shape) != Length)
            throw new ShapeMismatchException($"Cannot reshape {ShapeFormat.Format(_shape)} ({Length} elements) to {ShapeFormat.Format(shape)}.");
        return new Tensor(_data, _offset, shape);
    }

    /// <summary>A view of <paramref name="count"/> items along the first axis starting at <paramref name="start"/> (no copy).</summary>
    public Tensor SliceBatch(int start, int count)
    {
        if (Rank == 0 || start < 0 || count < 0 || start + count > _shape[0])
            throw new ArgumentOutOfRangeException(nameof(start), $"Items [{start}, {start + count}) are outside the first axis of {ShapeFormat.Format(_shape)}.");
        var shape = (int[])_shape.Clone();
        shape[0] = count;
        return new Tensor(_data, _offset + (start * (Length / Math.Max(1, _shape[0]))), shape);
    }

    /// <summary>The elements of one item along the first axis.</summary>
    public Span<float> Sample(int index)
    {
        if (Rank == 0 || (uint)index >= (uint)_shape[0])
            throw new ArgumentOutOfRangeException(nameof(index), $"Item {index} is outside the first axis of {ShapeFormat.Format(_shape)}.");
        int size = Length / _shape[0];
        // A span, not a view object: loss and metric loops call this per row on every step.
        return _data.AsSpan(_offset + (index * size), size);
    }

    /// <summary>A deep copy with its own storage.</summary>
    public Tensor Clone()
    {
        var copy = new Tensor(_shape);
        Span.CopyTo(copy.Span);
        return copy;
    }

    /// <summary>A copy of the elements as a new array.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public void Fill(float value) => Span.Fill(value);

    /// <summary>Copies this tensor's elements into <paramref name="destination"/>, which must have the same shape.</summary>
    public void CopyTo(Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        RequireSameShape(this, destination, "copy");
        Span.CopyTo(destination.Span);
    }

    /// <summary>The L2 norm of all elements.</summary>
    public float Norm() => TensorPrimitives.Norm(Span);

    /// <summary>True when both tensors have identical shapes.</summary>
    public bool HasShape(ReadOnlySpan<int> shape) => _shape.AsSpan().SequenceEqual(shape);

    /// <summary>Throws <see cref="ShapeMismatchException"/> unless <paramref name="a"/> and <paramref name="b"/> have the same shape.</summary>
    public static void RequireSameShape(Tensor a, Tensor b, string operation)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.HasShape(b.Shape))
            throw new ShapeMismatchException($"{operation}: shapes {ShapeFormat.Format(a._shape)} and {ShapeFormat.Format(b._shape)} differ.");
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder("Tensor").Append(ShapeFormat.Format(_shape)).Append(" [");
        int shown = Math.Min(Length, 8);
        for (int i = 0; i < shown; i++)
            sb.Append(i == 0 ? "" : ", ").Append(Span[i].ToString("G6", System.Globalization.CultureInfo.InvariantCulture));
        return sb.Append(Length > shown ? ", ...]" : "]").ToString();
    }

    internal static int CheckedLength(ReadOnlySpan<int> shape)
    {
        long length = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ShapeMismatchException($"Shape {ShapeFormat.Format(shape.ToArray())} has a negative dimension.");
            length *= d;
            if (length > Array.MaxLength)
                throw new ShapeMismatchException($"Shape {ShapeFormat.Format(shape.ToArray())} has more elements than an array can hold.");
        }
        return (int)length;
    }
}
