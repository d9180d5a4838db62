using System.Text.Json;

namespace DeepCnn.Serialization;

/// <summary>
/// Typed, range-checked access to the JSON header. Every accessor names the offending field by its
/// JSON path (e.g. <c>layers[3].filters</c>) in a <see cref="ModelFormatException"/>, so a bad file
/// never surfaces as a <see cref="KeyNotFoundException"/> or <see cref="InvalidOperationException"/>
/// from <see cref="JsonElement"/>.
/// </summary>
internal sealed class HeaderFields(string fileName, uint version)
{
    /// <summary>The file being read, for error messages.</summary>
    public string FileName { get; } = fileName;

    /// <summary>The file's format version, from its preamble.</summary>
    public uint Version { get; } = version;

    /// <summary>An error about the header field at <paramref name="path"/>.</summary>
    public ModelFormatException Error(string path, string problem) =>
        new(FileName, path.Length == 0 ? $"header: {problem}" : $"header {path}: {problem}");

    /// <summary>
    /// Refuses <paramref name="feature"/>, found at <paramref name="path"/>, in a file older than
    /// <paramref name="since"/>: no writer of that version could have produced it, so the file
    /// is damaged or forged, and accepting it would blur what the version number promises.
    /// </summary>
    public void RequireVersion(uint since, string path, string feature)
    {
        if (Version < since)
            throw Error(path, $"{feature} needs format version {since}, but the file says version {Version}");
    }

    /// <summary>
    /// Requires <paramref name="element"/> to be an object whose properties are all in
    /// <paramref name="allowed"/>, each at most once (JSON allows duplicates; a reader that took the
    /// first and another that took the last would see different models).
    /// </summary>
    public void RequireObject(JsonElement element, string path, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(path, $"must be an object, got {Describe(element)}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (System.Array.IndexOf(allowed, property.Name) < 0)
                throw Error(path, $"unknown field \"{property.Name}\" (allowed: {string.Join(", ", allowed)})");
            if (!seen.Add(property.Name))
                throw Error(path, $"field \"{property.Name}\" appears twice");
        }
    }

    /// <summary>The value of a required field.</summary>
    public JsonElement Required(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out var value) ? value : throw Error(path, $"missing field \"{name}\"");

    /// <summary>An integer field in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Int(JsonElement obj, string name, string path, int min, int max) =>
        Int(Required(obj, name, path), Join(path, name), min, max);

    /// <summary>An integer value in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int Int(JsonElement value, string path, int min, int max)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
            throw Error(path, $"must be an integer, got {Describe(value)}");
        if (number < min || number > max)
            throw Error(path, $"must be in [{min}, {max}], got {number}");
        return (int)number;
    }

    /// <summary>A non-negative 64-bit integer field.</summary>
    public long Long(JsonElement obj, string name, string path, long min, long max)
    {
        var value = Required(obj, name, path);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
            throw Error(Join(path, name), $"must be an integer, got {Describe(value)}");
        if (number < min || number > max)
            throw Error(Join(path, name), $"must be in [{min}, {max}], got {number}");
        return number;
    }

    /// <summary>An unsigned 64-bit integer value (seeds and random states).</summary>
    public ulong UInt64(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out ulong number)
            ? number
            : throw Error(path, $"must be an unsigned 64-bit integer, got {Describe(value)}");

    /// <summary>A finite number field that satisfies <paramref name="valid"/>, described by <paramref name="rule"/>.</summary>
    public double Double(JsonElement obj, string name, string path, Func<double, bool> valid, string rule)
    {
        var value = Required(obj, name, path);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
            throw Error(Join(path, name), $"must be a finite number, got {Describe(value)}");
        if (!valid(number))
            throw Error(Join(path, name), $"must be {rule}, got {number}");
        return number;
    }

    /// <summary>A string field of 1 to <paramref name="maxLength"/> characters.</summary>
    public string String(JsonElement obj, string name, string path, int maxLength = ModelFileFormat.MaxNameLength)
    {
        var value = Required(obj, name, path);
        if (value.ValueKind != JsonValueKind.String)
            throw Error(Join(path, name), $"must be a string, got {Describe(value)}");
        string text = value.GetString()!;
        if (text.Length == 0 || text.Length > maxLength)
            throw Error(Join(path, name), $"must have 1 to {maxLength} characters, got {text.Length}");
        return text;
    }

    /// <summary>A string field that must be one of <paramref name="choices"/>.</summary>
    public string Choice(JsonElement obj, string name, string path, params string[] choices)
    {
        string text = String(obj, name, path);
        return System.Array.IndexOf(choices, text) >= 0
            ? text
            : throw Error(Join(path, name), $"must be one of {string.Join(", ", choices.Select(c => $"\"{c}\""))}, got \"{Truncate(text)}\"");
    }

    /// <summary>A boolean field.</summary>
    public bool Bool(JsonElement obj, string name, string path)
    {
        var value = Required(obj, name, path);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(Join(path, name), $"must be true or false, got {Describe(value)}"),
        };
    }

    /// <summary>An array field of at most <paramref name="maxLength"/> elements.</summary>
    public JsonElement Array(JsonElement obj, string name, string path, int maxLength)
    {
        var value = Required(obj, name, path);
        if (value.ValueKind != JsonValueKind.Array)
            throw Error(Join(path, name), $"must be an array, got {Describe(value)}");
        int length = value.GetArrayLength();
        if (length > maxLength)
            throw Error(Join(path, name), $"has {length} elements, at most {maxLength} allowed");
        return value;
    }

    /// <summary>A shape: 1 to <paramref name="maxRank"/> dimensions, each in [1, <see cref="ModelFileFormat.MaxDimension"/>].</summary>
    public int[] Shape(JsonElement obj, string name, string path, int maxRank)
    {
        var array = Array(obj, name, path, maxRank);
        string at = Join(path, name);
        if (array.GetArrayLength() == 0)
            throw Error(at, "must have at least one dimension");
        var shape = new int[array.GetArrayLength()];
        int i = 0;
        foreach (var dim in array.EnumerateArray())
        {
            shape[i] = Int(dim, $"{at}[{i}]", 1, ModelFileFormat.MaxDimension);
            i++;
        }
        return shape;
    }

    /// <summary>An xoshiro256** state: four unsigned 64-bit integers, not all zero (the all-zero state never leaves zero).</summary>
    public (ulong, ulong, ulong, ulong) RandomState(JsonElement obj, string name, string path)
    {
        var array = Array(obj, name, path, 4);
        string at = Join(path, name);
        if (array.GetArrayLength() != 4)
            throw Error(at, $"must hold 4 words, got {array.GetArrayLength()}");
        var words = new ulong[4];
        for (int i = 0; i < 4; i++)
            words[i] = UInt64(array[i], $"{at}[{i}]");
        if (words.All(w => w == 0))
            throw Error(at, "is all zeros, which is not a valid generator state");
        return (words[0], words[1], words[2], words[3]);
    }

    /// <summary>The path of a child field.</summary>
    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Number => Truncate(value.GetRawText()),
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => Truncate(value.GetRawText()),
    };

    // Error messages quote the file's text; a hostile file must not make them megabytes long.
    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
