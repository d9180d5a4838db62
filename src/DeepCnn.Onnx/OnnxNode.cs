namespace DeepCnn.Onnx;

/// <summary>One ONNX operator application: <c>outputs = op_type(inputs; attributes)</c>, by value names.</summary>
internal sealed class OnnxNode(string opType, string name, string[] inputs, string output, params OnnxAttribute[] attributes)
{
    /// <summary>The ONNX operator, e.g. <c>Conv</c>.</summary>
    public string OpType { get; } = opType;

    /// <summary>The node's name (unique in the graph).</summary>
    public string Name { get; } = name;

    /// <summary>The names of the values it consumes, in the operator's input order.</summary>
    public string[] Inputs { get; } = inputs;

    /// <summary>The name of the value it produces; the graph renames the last node's output to the model output.</summary>
    public string Output { get; set; } = output;

    /// <summary>The operator's attributes.</summary>
    public OnnxAttribute[] Attributes { get; } = attributes;
}
