using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using DeepCnn.Layers;
using DeepCnn.Losses;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Serialization;

/// <summary>
/// Reads a model file, validating it completely before trusting it: preamble, header size, JSON,
/// every field and hyper-parameter, the architecture (rebuilt from the header), every tensor's name
/// and shape against the rebuilt parameters, and every size against the bytes the stream holds —
/// all before allocating anything those sizes would demand. Any problem is a
/// <see cref="ModelFormatException"/> naming the file.
/// </summary>
internal static class ModelReader
{
    /// <summary>Reads the model in <paramref name="stream"/> (from its position to its end).</summary>
    public static Sequential Read(Stream stream, string fileName)
    {
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException($"Loading {fileName} needs a readable, seekable stream: its length bounds every size the header declares.", nameof(stream));
        try
        {
            return ReadValidated(stream, fileName);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(fileName, $"header is not valid JSON: {e.Message}", e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or OverflowException
            or FormatException or IOException or DecoderFallbackException)
        {
            // ShapeMismatchException (an ArgumentException) says which layers do not chain; the rest
            // are a constructor or parser refusing a value that slipped past the field checks.
            throw new ModelFormatException(fileName, e.Message, e);
        }
    }

    private static Sequential ReadValidated(Stream stream, string fileName)
    {
        long available = stream.Length - stream.Position;
        var (version, headerLength) = ReadPreamble(stream, available, fileName);
        var fields = new HeaderFields(fileName, version);
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        using var document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = ModelFileFormat.MaxJsonDepth });
        var root = document.RootElement;
        fields.RequireObject(root, "", "model", "layers", "training", "tensors");

        var (name, seed, inputShape) = ReadModelFields(root, fields);
        var layers = ReadLayers(root, fields);
        var training = root.TryGetProperty("training", out var trainingElement) ? TrainingStateCodec.Read(trainingElement, fields) : null;
        var entries = TensorDirectory.Read(root, fields, available - ModelFileFormat.PreambleSize - headerLength);

        var model = new Sequential(name, seed);
        foreach (var layer in layers)
            model.Add(layer);
        var cursor = new DirectoryCursor(entries, fields);
        // Check each layer's parameters against the directory before the layer allocates them.
        model.BuildLayerByLayer(inputShape, (layer, shape, rng) => Prepare(layer, layer.Name, shape, rng, cursor));
        // And again against what the layers actually built.
        cursor.Rewind();
        var destinations = new List<Tensor>();
        foreach (var layer in model.Layers)
            foreach (var p in layer.Parameters)
            {
                cursor.Expect($"{layer.Name}/{p.Name}", p.Value.Shape);
                destinations.Add(p.Value);
            }
        if (training is not null)
        {
            model.Compile(training.Optimizer, new CategoricalCrossentropy());
            foreach (var (tensorName, value) in TrainingStateCodec.OptimizerTensors(model, training.Optimizer))
            {
                cursor.Expect(tensorName, value.Shape);
                destinations.Add(value);
            }
            RestoreRandomState(model, training, fields);
        }
        cursor.RequireEnd();

        foreach (var destination in destinations)
            FloatData.Read(stream, destination.Span);
        return model;
    }

    /// <summary>
    /// Checks a layer's parameters, named <paramref name="path"/>/parameter, against the directory
    /// before the layer allocates them. A residual block builds its branch itself, unchecked, so its
    /// inner layers are checked and built here first, one by one, drawing from the same generator in
    /// the same order as the block would: the block then finds them built, and a fresh model with
    /// the same seed and the loaded one agree on every Dropout seed.
    /// </summary>
    private static void Prepare(Layer layer, string path, int[] shape, Rng rng, DirectoryCursor cursor)
    {
        foreach (var (parameter, parameterShape) in LayerCodec.ExpectedParameters(layer, shape))
            cursor.Expect($"{path}/{parameter}", parameterShape);
        var innerShape = shape;
        foreach (var inner in layer.Sublayers)
        {
            string innerPath = $"{path}/{inner.Name}";
            Prepare(inner, innerPath, innerShape, rng, cursor);
            try
            {
                inner.Build(innerShape, rng);
            }
            catch (ShapeMismatchException e)
            {
                throw new ShapeMismatchException($"Layer '{innerPath}' ({inner.TypeName}) cannot take input shape {ShapeFormat.FormatKerasBatch(innerShape)}: {e.Message}", e);
            }
            innerShape = inner.OutputShape;
        }
    }

    // Returns the version and the header length, checked against the cap and against the bytes that follow.
    private static (uint Version, int HeaderLength) ReadPreamble(Stream stream, long available, string fileName)
    {
        if (available < ModelFileFormat.PreambleSize)
            throw new ModelFormatException(fileName, $"is {available} bytes long, shorter than the {ModelFileFormat.PreambleSize}-byte preamble: truncated, or not a DeepCnn model file");
        Span<byte> preamble = stackalloc byte[ModelFileFormat.PreambleSize];
        stream.ReadExactly(preamble);
        if (!preamble[..8].SequenceEqual(ModelFileFormat.Magic))
            throw new ModelFormatException(fileName, "does not start with the magic bytes \"DEEPCNN\\0\": not a DeepCnn model file");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
        if (version is < ModelFileFormat.OldestReadableVersion or > ModelFileFormat.Version)
            throw new ModelFormatException(fileName, $"format version {version} is not supported: this build reads versions {ModelFileFormat.OldestReadableVersion} to {ModelFileFormat.Version}");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[12..]);
        if (headerLength is 0 or > ModelFileFormat.MaxHeaderBytes)
            throw new ModelFormatException(fileName, $"header length {headerLength} is outside 1..{ModelFileFormat.MaxHeaderBytes}");
        if (headerLength > available - ModelFileFormat.PreambleSize)
            throw new ModelFormatException(fileName, $"truncated: the header is {headerLength} bytes but only {available - ModelFileFormat.PreambleSize} bytes follow the preamble");
        return (version, (int)headerLength);
    }

    private static (string Name, ulong Seed, int[] InputShape) ReadModelFields(JsonElement root, HeaderFields fields)
    {
        var model = fields.Required(root, "model", "");
        fields.RequireObject(model, "model", "name", "seed", "inputShape");
        string name = fields.String(model, "name", "model");
        ulong seed = fields.UInt64(fields.Required(model, "seed", "model"), "model.seed");
        int[] inputShape = fields.Shape(model, "inputShape", "model", maxRank: 3);
        if (inputShape.Length == 2)
            throw fields.Error("model.inputShape", "must be [features] or [channels, height, width], got 2 dimensions");
        if (inputShape.Aggregate(1L, (product, dim) => product * dim) > int.MaxValue)
            throw fields.Error("model.inputShape", $"{ShapeFormat.Format(inputShape)} has more than {int.MaxValue} elements per sample");
        return (name, seed, inputShape);
    }

    private static List<Layer> ReadLayers(JsonElement root, HeaderFields fields)
    {
        var list = fields.Array(root, "layers", "", ModelFileFormat.MaxLayers);
        int count = LayerCodec.Count(list);
        if (count > ModelFileFormat.MaxLayers)
            throw fields.Error("layers", $"declares {count} layers (counting those inside residual blocks), at most {ModelFileFormat.MaxLayers} allowed");
        return LayerCodec.ReadList(list, "layers", fields, nesting: 0);
    }

    private static void RestoreRandomState(Sequential model, TrainingState training, HeaderFields fields)
    {
        var dropouts = LayerPaths.Walk(model.Layers).Where(entry => entry.Layer is Dropout).ToList();
        if (dropouts.Count != training.DropoutStates.Count)
            throw fields.Error("training.dropoutRandomStates", $"has {training.DropoutStates.Count} entries but the model has {dropouts.Count} Dropout layers");
        for (int i = 0; i < dropouts.Count; i++)
        {
            var (layerPath, state) = training.DropoutStates[i];
            if (layerPath != dropouts[i].Path)
                throw fields.Error($"training.dropoutRandomStates[{i}].layer", $"is \"{layerPath}\" but Dropout layer {i} is \"{dropouts[i].Path}\"");
            ((Dropout)dropouts[i].Layer).Random.State = state;
        }
        model.ShuffleRandom.State = training.ShuffleState;
        model.TrainSteps = training.TrainSteps;
    }
}
