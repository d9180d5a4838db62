namespace DeepCnn.Onnx;

/// <summary>An ONNX node attribute: a float, an integer or a list of integers.</summary>
internal sealed record OnnxAttribute(string Name, OnnxAttributeType Type, float Float = 0, long Int = 0, long[]? Ints = null)
{
    /// <summary>A FLOAT attribute.</summary>
    public static OnnxAttribute Of(string name, float value) => new(name, OnnxAttributeType.Float, Float: value);

    /// <summary>An INT attribute.</summary>
    public static OnnxAttribute Of(string name, long value) => new(name, OnnxAttributeType.Int, Int: value);

    /// <summary>An INTS attribute.</summary>
    public static OnnxAttribute Of(string name, params long[] values) => new(name, OnnxAttributeType.Ints, Ints: values);
}

/// <summary>The values of onnx.proto's <c>AttributeProto.AttributeType</c> that the exporter uses.</summary>
internal enum OnnxAttributeType
{
    /// <summary>FLOAT: the value is in field <c>f</c>.</summary>
    Float = 1,

    /// <summary>INT: the value is in field <c>i</c>.</summary>
    Int = 2,

    /// <summary>INTS: the values are in field <c>ints</c>.</summary>
    Ints = 7,
}
