using System.Text.Json;
using DeepCnn.Initializers;
using DeepCnn.Kernels;
using DeepCnn.Layers;
using DeepCnn.Tensors;

namespace DeepCnn.Serialization;

/// <summary>
/// Layers to and from their JSON description (type, name and every hyper-parameter; a residual
/// block holds its branch's descriptions in its own <c>layers</c> array), and the parameter shapes a
/// layer will create for a given input shape, known before it is built.
/// </summary>
internal static class LayerCodec
{
    private static readonly string[] Activations = ["linear", "relu", "softmax"];
    private static readonly string[] Paddings = ["valid", "same"];
    private static readonly string[] Initializers = ["glorot_uniform", "he_normal", "he_uniform", "zeros", "ones"];

    /// <summary>The layer types the format knows, by their Keras class names (Residual since version 2).</summary>
    public static readonly string[] KnownTypes = ["Conv2D", "Dense", "MaxPooling2D", "BatchNormalization", "Dropout", "Flatten", "ReLU", "Residual"];

    /// <summary>
    /// Writes a list of sibling layers (the model's, or a residual branch's) as a JSON array of
    /// objects. Throws <see cref="NotSupportedException"/> for what a reader would refuse: a layer
    /// type the format does not know, two siblings with one name, or blocks nested too deep.
    /// </summary>
    /// <param name="json">The writer, positioned where the array's property goes.</param>
    /// <param name="layers">The layers, in order.</param>
    /// <param name="nesting">How many residual blocks enclose the list (0 for the model's own).</param>
    public static void WriteList(Utf8JsonWriter json, IReadOnlyList<Layer> layers, int nesting)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        json.WriteStartArray("layers");
        foreach (var layer in layers)
        {
            if (!names.Add(layer.Name))
                throw new NotSupportedException($"Two layers side by side are both named '{layer.Name}': a model file could not tell their weights apart.");
            Write(json, layer, nesting);
        }
        json.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter json, Layer layer, int nesting)
    {
        json.WriteStartObject();
        json.WriteString("type", layer.TypeName);
        json.WriteString("name", layer.Name);
        switch (layer)
        {
            case Conv2D conv:
                json.WriteNumber("filters", conv.Filters);
                json.WriteNumber("kernelSize", conv.KernelSize);
                json.WriteNumber("strides", conv.Strides);
                json.WriteString("padding", conv.Padding == Padding.Same ? "same" : "valid");
                WriteLinearPart(json, conv, conv.UseBias, conv.KernelInitializer);
                break;
            case Dense dense:
                json.WriteNumber("units", dense.Units);
                WriteLinearPart(json, dense, dense.UseBias, dense.KernelInitializer);
                break;
            case MaxPool2D pool:
                json.WriteNumber("poolSize", pool.PoolSize);
                json.WriteNumber("strides", pool.Strides);
                break;
            case BatchNormalization norm:
                json.WriteNumber("momentum", norm.Momentum);
                json.WriteNumber("epsilon", norm.Epsilon);
                break;
            case Dropout dropout:
                json.WriteNumber("rate", dropout.Rate);
                if (dropout.Seed is { } seed)
                    json.WriteNumber("seed", seed);
                break;
            case Flatten or ReLU:
                break;
            case Residual residual:
                if (nesting == ModelFileFormat.MaxNesting)
                    throw new NotSupportedException($"Residual block '{layer.Name}' is nested more than {ModelFileFormat.MaxNesting} deep; the model file format stops there.");
                json.WriteBoolean("zeroInitLastNorm", residual.ZeroInitLastNorm);
                WriteList(json, residual.Sublayers, nesting + 1);
                break;
            default:
                throw new NotSupportedException($"Layer '{layer.Name}' of type {layer.GetType().FullName} cannot be saved: the model file format knows {string.Join(", ", KnownTypes)}.");
        }
        json.WriteEndObject();
    }

    // Activation, bias, initializer and the declared input shape (channels first), shared by Conv2D and Dense.
    private static void WriteLinearPart(Utf8JsonWriter json, ActivatedLayer layer, bool useBias, Initializer initializer)
    {
        json.WriteString("activation", layer.Activation switch
        {
            Activation.ReLU => "relu",
            Activation.Softmax => "softmax",
            _ => "linear",
        });
        json.WriteBoolean("useBias", useBias);
        json.WriteString("kernelInitializer", initializer switch
        {
            Initializer.HeNormal => "he_normal",
            Initializer.HeUniform => "he_uniform",
            Initializer.Zeros => "zeros",
            Initializer.Ones => "ones",
            _ => "glorot_uniform",
        });
        if (layer.DeclaredInputShape is { } declared)
        {
            json.WriteStartArray("declaredInputShape");
            foreach (int dim in declared)
                json.WriteNumberValue(dim);
            json.WriteEndArray();
        }
    }

    /// <summary>
    /// The layers the array <paramref name="list"/> declares, those in residual blocks included,
    /// counted in the JSON before any is created, whatever else is wrong with them (the JSON depth
    /// cap bounds the recursion).
    /// </summary>
    public static int Count(JsonElement list)
    {
        int count = 0;
        foreach (var element in list.EnumerateArray())
        {
            count++;
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("layers", out var inner) && inner.ValueKind == JsonValueKind.Array)
                count += Count(inner);
        }
        return count;
    }

    /// <summary>
    /// Creates the layers described by the array <paramref name="list"/> (the model's, or a residual
    /// branch's), validating every field, sibling names' uniqueness and the nesting depth.
    /// </summary>
    /// <param name="list">The JSON array.</param>
    /// <param name="path">Its path, for error messages.</param>
    /// <param name="fields">The header being read.</param>
    /// <param name="nesting">How many residual blocks enclose the list (0 for the model's own).</param>
    public static List<Layer> ReadList(JsonElement list, string path, HeaderFields fields, int nesting)
    {
        if (list.GetArrayLength() == 0)
            throw fields.Error(path, "must hold at least one layer");
        var layers = new List<Layer>(list.GetArrayLength());
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in list.EnumerateArray())
        {
            string at = $"{path}[{layers.Count}]";
            var layer = Read(element, at, fields, nesting);
            if (!names.Add(layer.Name))
                throw fields.Error(at, $"name \"{layer.Name}\" is used by an earlier layer");
            layers.Add(layer);
        }
        return layers;
    }

    private static Layer Read(JsonElement element, string path, HeaderFields fields, int nesting)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw fields.Error(path, "must be an object");
        string type = fields.Choice(element, "type", path, KnownTypes);
        const int max = ModelFileFormat.MaxDimension;
        Layer layer;
        switch (type)
        {
            case "Conv2D":
                fields.RequireObject(element, path, "type", "name", "filters", "kernelSize", "strides", "padding", "activation", "useBias", "kernelInitializer", "declaredInputShape");
                layer = new Conv2D(
                    fields.Int(element, "filters", path, 1, max),
                    fields.Int(element, "kernelSize", path, 1, max),
                    fields.Int(element, "strides", path, 1, max),
                    fields.Choice(element, "padding", path, Paddings),
                    fields.Choice(element, "activation", path, Activations),
                    DeclaredInputShape(element, path, fields, rank: 3),
                    fields.Bool(element, "useBias", path),
                    ReadInitializer(element, path, fields));
                break;
            case "Dense":
                fields.RequireObject(element, path, "type", "name", "units", "activation", "useBias", "kernelInitializer", "declaredInputShape");
                layer = new Dense(
                    fields.Int(element, "units", path, 1, max),
                    fields.Choice(element, "activation", path, Activations),
                    DeclaredInputShape(element, path, fields, rank: 1),
                    fields.Bool(element, "useBias", path),
                    ReadInitializer(element, path, fields));
                break;
            case "MaxPooling2D":
                fields.RequireObject(element, path, "type", "name", "poolSize", "strides");
                layer = new MaxPool2D(fields.Int(element, "poolSize", path, 1, max), fields.Int(element, "strides", path, 1, max));
                break;
            case "BatchNormalization":
                fields.RequireObject(element, path, "type", "name", "momentum", "epsilon");
                layer = new BatchNormalization(
                    fields.Double(element, "momentum", path, m => m >= 0 && m <= 1, "in [0, 1]"),
                    fields.Double(element, "epsilon", path, e => e > 0, "positive"));
                break;
            case "Dropout":
                fields.RequireObject(element, path, "type", "name", "rate", "seed");
                layer = new Dropout(fields.Double(element, "rate", path, r => r >= 0 && r < 1, "in [0, 1)"), DropoutSeed(element, path, fields));
                break;
            case "Residual":
                layer = ReadResidual(element, path, fields, nesting);
                break;
            case "Flatten":
                fields.RequireObject(element, path, "type", "name");
                layer = new Flatten();
                break;
            default:
                fields.RequireObject(element, path, "type", "name");
                layer = new ReLU();
                break;
        }
        layer.Name = fields.String(element, "name", path);
        return layer;
    }

    private static ulong? DropoutSeed(JsonElement element, string path, HeaderFields fields)
    {
        if (!element.TryGetProperty("seed", out var seed))
            return null;
        string at = HeaderFields.Join(path, "seed");
        fields.RequireVersion(2, at, "a Dropout seed");
        return fields.UInt64(seed, at);
    }

    private static Residual ReadResidual(JsonElement element, string path, HeaderFields fields, int nesting)
    {
        fields.RequireVersion(2, HeaderFields.Join(path, "type"), "a Residual layer");
        fields.RequireObject(element, path, "type", "name", "zeroInitLastNorm", "layers");
        if (nesting == ModelFileFormat.MaxNesting)
            throw fields.Error(path, $"residual blocks are nested more than {ModelFileFormat.MaxNesting} deep");
        bool zeroInitLastNorm = fields.Bool(element, "zeroInitLastNorm", path);
        var inner = ReadList(fields.Array(element, "layers", path, ModelFileFormat.MaxLayers), HeaderFields.Join(path, "layers"), fields, nesting + 1);
        if (zeroInitLastNorm && !inner.OfType<BatchNormalization>().Any())
            throw fields.Error(HeaderFields.Join(path, "zeroInitLastNorm"), "is true but the block has no BatchNormalization directly in its branch");
        return new Residual(inner, zeroInitLastNorm);
    }

    // The constructors take Keras order (H, W, C); the file stores channels first like every other shape.
    private static int[]? DeclaredInputShape(JsonElement element, string path, HeaderFields fields, int rank)
    {
        if (!element.TryGetProperty("declaredInputShape", out _))
            return null;
        var shape = fields.Shape(element, "declaredInputShape", path, rank);
        if (shape.Length != rank)
            throw fields.Error(HeaderFields.Join(path, "declaredInputShape"), $"must have {rank} dimensions, got {shape.Length}");
        return ShapeFormat.ToKeras(shape);
    }

    private static Initializer ReadInitializer(JsonElement element, string path, HeaderFields fields) =>
        fields.Choice(element, "kernelInitializer", path, Initializers) switch
        {
            "he_normal" => Initializer.HeNormal,
            "he_uniform" => Initializer.HeUniform,
            "zeros" => Initializer.Zeros,
            "ones" => Initializer.Ones,
            _ => Initializer.GlorotUniform,
        };

    /// <summary>
    /// The parameters (name, shape) that <paramref name="layer"/> creates for a per-sample input shape,
    /// in creation order: checked against the file's tensor directory BEFORE the layer is built, so that
    /// a header declaring a huge layer cannot make the loader allocate memory the file does not back.
    /// </summary>
    /// <remarks>
    /// An input of the wrong rank yields nothing: the layer's own shape check then rejects it, with
    /// its clearer message, before it allocates anything.
    /// </remarks>
    public static IEnumerable<(string Name, int[] Shape)> ExpectedParameters(Layer layer, int[] inputShape)
    {
        switch (layer)
        {
            case Conv2D when inputShape.Length != 3:
            case Dense when inputShape.Length != 1:
                break;
            case Conv2D conv:
                yield return ("kernel", [conv.Filters, inputShape[0], conv.KernelSize, conv.KernelSize]);
                if (conv.UseBias)
                    yield return ("bias", [conv.Filters]);
                break;
            case Dense dense:
                yield return ("kernel", [inputShape[0], dense.Units]);
                if (dense.UseBias)
                    yield return ("bias", [dense.Units]);
                break;
            case BatchNormalization:
                yield return ("gamma", [inputShape[0]]);
                yield return ("beta", [inputShape[0]]);
                yield return ("moving_mean", [inputShape[0]]);
                yield return ("moving_variance", [inputShape[0]]);
                break;
        }
    }
}
