namespace DeepCnn.Onnx;

/// <summary>
/// A single-input, single-output ONNX graph: nodes in topological order, weights as initializers,
/// and the per-sample shapes of the input and output (the batch axis is the symbolic <c>batch</c>).
/// </summary>
internal sealed record OnnxGraph(
    string Name,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxInitializer> Initializers,
    int[] InputShape,
    int[] OutputShape);
