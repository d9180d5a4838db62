namespace DeepCnn.Serialization;

/// <summary>
/// One entry of the tensor directory: the tensor's name (<c>conv2d/kernel</c>,
/// <c>optimizer/conv2d/kernel/m</c>), its shape, and where its float32 data lies: a byte offset
/// from the start of the data section and a byte length (4 bytes per element).
/// </summary>
internal sealed record TensorEntry(string Name, int[] Shape, long Offset, long Length);
