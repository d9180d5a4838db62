namespace DeepCnn.Onnx;

/// <summary>A constant float32 tensor of the graph (a weight), stored row-major as ONNX and DeepCnn both lay it out.</summary>
internal sealed record OnnxInitializer(string Name, int[] Dims, float[] Data);
