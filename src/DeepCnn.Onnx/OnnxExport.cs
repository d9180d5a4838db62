using DeepCnn.IO;
using DeepCnn.Training;

namespace DeepCnn.Onnx;

/// <summary>
/// Exports a <see cref="Sequential"/> model to ONNX (IR version 8, opset 13) for inference in ONNX
/// Runtime or any other ONNX consumer. The graph takes <c>input</c> [batch, C, H, W] (or
/// [batch, F]) in NCHW, the layout of DeepCnn's own tensors, and produces <c>probabilities</c>
/// [batch, classes]. Conv2D becomes Conv (with explicit pads), Dense becomes Gemm, fused
/// activations become Relu/Softmax nodes, MaxPool2D becomes MaxPool, BatchNormalization becomes
/// BatchNormalization with the moving statistics, Dropout becomes Identity, and Flatten becomes a
/// Transpose to NHWC followed by Flatten, so that Keras's channels-last order (and with it the Dense
/// weights) is preserved; a Residual block becomes its branch's nodes and an Add of the block's
/// input and the branch's output (nested blocks likewise).
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the exported graph uses.</summary>
    public const int OpsetVersion = 13;

    /// <summary>The name of the graph's input.</summary>
    public const string InputName = "input";

    /// <summary>The name of the graph's output.</summary>
    public const string OutputName = "probabilities";

    /// <summary>The symbolic name of the batch dimension of the input and output.</summary>
    public const string BatchDimension = "batch";

    /// <summary>Writes the model as an ONNX file at <paramref name="path"/>, atomically (building the model first if needed).</summary>
    /// <param name="model">The model to export; its current weights and BatchNorm moving statistics are used.</param>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="NotSupportedException">The model has a layer type with no ONNX translation.</exception>
    public static void ExportOnnx(this Sequential model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = ToOnnxBytes(model);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>The ONNX <c>ModelProto</c> bytes of the model (building it first if needed).</summary>
    /// <param name="model">The model to export.</param>
    /// <returns>A serialized ONNX model.</returns>
    /// <exception cref="NotSupportedException">The model has a layer type with no ONNX translation.</exception>
    public static byte[] ToOnnxBytes(this Sequential model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return OnnxProtoWriter.Write(GraphBuilder.Build(model));
    }
}
