using System.Text.Json;
using DeepCnn.Tensors;

namespace DeepCnn.Serialization;

/// <summary>
/// The header's <c>tensors</c> array: where each tensor lies in the data section. The writer lays
/// the tensors end to end in directory order; the reader accepts exactly that, so that every byte of
/// the data section belongs to one tensor and the file's length is fully accounted for.
/// </summary>
internal static class TensorDirectory
{
    // Each layer has at most 4 parameters, and each trainable parameter at most 2 optimizer tensors.
    private const int MaxEntries = ModelFileFormat.MaxLayers * 12;

    /// <summary>Writes the directory for <paramref name="tensors"/> in order; returns the data section's length in bytes.</summary>
    public static long Write(Utf8JsonWriter json, IReadOnlyList<(string Name, Tensor Value)> tensors)
    {
        json.WriteStartArray("tensors");
        long offset = 0;
        foreach (var (name, value) in tensors)
        {
            long length = (long)value.Length * ModelFileFormat.ElementSize;
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteStartArray("shape");
            foreach (int dim in value.Shape)
                json.WriteNumberValue(dim);
            json.WriteEndArray();
            json.WriteString("dtype", ModelFileFormat.Float32);
            json.WriteNumber("offset", offset);
            json.WriteNumber("length", length);
            json.WriteEndObject();
            offset += length;
        }
        json.WriteEndArray();
        return offset;
    }

    /// <summary>
    /// Reads and checks the directory: shapes of at most rank 4, lengths that equal 4 bytes times
    /// the element count, offsets that follow one another from 0, and a total equal to
    /// <paramref name="dataLength"/>, the bytes the file actually holds after its header.
    /// </summary>
    public static TensorEntry[] Read(JsonElement root, HeaderFields fields, long dataLength)
    {
        var array = fields.Array(root, "tensors", "", MaxEntries);
        var entries = new TensorEntry[array.GetArrayLength()];
        long expectedOffset = 0;
        int i = 0;
        foreach (var element in array.EnumerateArray())
        {
            string path = $"tensors[{i}]";
            fields.RequireObject(element, path, "name", "shape", "dtype", "offset", "length");
            string name = fields.String(element, "name", path, 4 * ModelFileFormat.MaxNameLength);
            int[] shape = fields.Shape(element, "shape", path, maxRank: 4);
            fields.Choice(element, "dtype", path, ModelFileFormat.Float32);
            long offset = fields.Long(element, "offset", path, 0, long.MaxValue);
            long length = fields.Long(element, "length", path, 0, long.MaxValue);
            long count = 1;
            foreach (int dim in shape)
            {
                count *= dim;
                if (count > int.MaxValue)
                    throw fields.Error(path, $"shape {ShapeFormat.Format(shape)} has more than {int.MaxValue} elements");
            }
            if (length != count * ModelFileFormat.ElementSize)
                throw fields.Error(path, $"length {length} does not match shape {ShapeFormat.Format(shape)} ({count} float32 values = {count * ModelFileFormat.ElementSize} bytes)");
            if (offset != expectedOffset)
                throw fields.Error(path, $"offset {offset} should be {expectedOffset}: tensors lie end to end in directory order");
            if (length > dataLength - offset)
                throw fields.Error(path, $"bytes {offset}..{offset + length} lie beyond the data section, which holds {dataLength} bytes");
            expectedOffset = offset + length;
            entries[i++] = new TensorEntry(name, shape, offset, length);
        }
        if (expectedOffset != dataLength)
            throw fields.Error("tensors", $"the tensors cover {expectedOffset} bytes but the data section holds {dataLength} bytes");
        return entries;
    }
}
