using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Serialization;

/// <summary>Writes a model file (docs/FILE-FORMAT.md): preamble, JSON header, tensor data.</summary>
internal static class ModelWriter
{
    /// <summary>
    /// Writes <paramref name="model"/> (built first if needed) to <paramref name="stream"/>; with
    /// <paramref name="includeOptimizer"/> and a compiled model, also the training state.
    /// Everything that can be refused is refused before the first byte is written.
    /// </summary>
    public static void Write(Sequential model, Stream stream, bool includeOptimizer)
    {
        model.Build();
        var optimizer = includeOptimizer ? model.Optimizer : null;
        if (optimizer is not null)
            TrainingStateCodec.RequireSupported(model, optimizer);

        int layerCount = LayerPaths.Walk(model.Layers).Count();
        if (layerCount > ModelFileFormat.MaxLayers)
            throw new NotSupportedException($"Model '{model.Name}' has {layerCount} layers (counting those inside residual blocks); the format allows {ModelFileFormat.MaxLayers}.");

        // A residual block exposes its branch's parameters as its own (named <inner layer>/<parameter>),
        // so the model's layers alone list every tensor exactly once, under its layer path.
        var tensors = new List<(string Name, Tensor Value)>();
        foreach (var layer in model.Layers)
            foreach (var p in layer.Parameters)
                tensors.Add(($"{layer.Name}/{p.Name}", p.Value));
        if (optimizer is not null)
            tensors.AddRange(TrainingStateCodec.OptimizerTensors(model, optimizer));

        var header = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(header, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("model");
            json.WriteString("name", model.Name);
            json.WriteNumber("seed", model.Seed);
            json.WriteStartArray("inputShape");
            foreach (int dim in model.InputShape)
                json.WriteNumberValue(dim);
            json.WriteEndArray();
            json.WriteEndObject();
            LayerCodec.WriteList(json, model.Layers, nesting: 0);
            if (optimizer is not null)
                TrainingStateCodec.Write(json, model, optimizer);
            TensorDirectory.Write(json, tensors);
            json.WriteEndObject();
        }
        if (header.WrittenCount > ModelFileFormat.MaxHeaderBytes)
            throw new NotSupportedException($"Model '{model.Name}' needs a {header.WrittenCount}-byte header; the format allows {ModelFileFormat.MaxHeaderBytes}.");

        Span<byte> preamble = stackalloc byte[ModelFileFormat.PreambleSize];
        ModelFileFormat.Magic.CopyTo(preamble);
        BinaryPrimitives.WriteUInt32LittleEndian(preamble[8..], ModelFileFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(preamble[12..], (uint)header.WrittenCount);
        stream.Write(preamble);
        stream.Write(header.WrittenSpan);
        foreach (var (_, value) in tensors)
            FloatData.Write(stream, value.Span);
    }
}
