using DeepCnn.Tensors;

namespace DeepCnn.Serialization;

/// <summary>
/// Walks the tensor directory in order, checking that each entry is the tensor the architecture
/// expects next: same name, same shape.
/// </summary>
internal sealed class DirectoryCursor(IReadOnlyList<TensorEntry> entries, HeaderFields fields)
{
    /// <summary>The index of the next entry.</summary>
    public int Position { get; private set; }

    /// <summary>Takes the next entry, which must be <paramref name="name"/> with <paramref name="shape"/>.</summary>
    public TensorEntry Expect(string name, ReadOnlySpan<int> shape)
    {
        if (Position >= entries.Count)
            throw fields.Error("tensors", $"has {entries.Count} entries but the architecture also needs \"{name}\" {ShapeFormat.Format(shape)}");
        var entry = entries[Position];
        string path = $"tensors[{Position}]";
        if (entry.Name != name)
            throw fields.Error(path, $"is \"{Shorten(entry.Name)}\" but the architecture expects \"{name}\" here");
        if (!entry.Shape.AsSpan().SequenceEqual(shape))
            throw fields.Error(path, $"\"{name}\" has shape {ShapeFormat.Format(entry.Shape)} but the architecture gives it {ShapeFormat.Format(shape)}");
        Position++;
        return entry;
    }

    /// <summary>Requires every entry to have been taken.</summary>
    public void RequireEnd()
    {
        if (Position < entries.Count)
            throw fields.Error($"tensors[{Position}]", $"\"{Shorten(entries[Position].Name)}\" is not part of the model (or of its training state)");
    }

    /// <summary>Starts again from the first entry.</summary>
    public void Rewind() => Position = 0;

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
