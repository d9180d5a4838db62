using DeepCnn.Onnx;
using DeepCnn.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace DeepCnn.Onnx.Tests;

/// <summary>Runs an exported model in ONNX Runtime, the independent implementation the export is checked against.</summary>
internal static class OnnxRuntimeRunner
{
    /// <summary>The graph output for <paramref name="x"/> [N, ...] (NCHW), as a flat array.</summary>
    public static float[] Run(string modelPath, Tensor x)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(modelPath, options);
        long[] shape = [.. x.Shape.ToArray().Select(d => (long)d)];
        using var input = OrtValue.CreateTensorValueFromMemory(x.ToArray(), shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
