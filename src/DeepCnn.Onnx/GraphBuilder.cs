using DeepCnn.Kernels;
using DeepCnn.Layers;
using DeepCnn.Training;

namespace DeepCnn.Onnx;

/// <summary>
/// Translates a built <see cref="Sequential"/> into ONNX operators (opset 13), layer by layer, in
/// inference mode. Tensors stay NCHW throughout, as in DeepCnn; only Flatten transposes, to emit
/// Keras's channels-last order that the following Dense kernel was trained on. A residual block
/// becomes its branch's nodes followed by an <c>Add</c> of the block's input and the branch's output.
/// </summary>
/// <remarks>
/// Layer names are unique only among siblings, so every node and weight is named by the layer's
/// path (<c>residual_2/conv2d/kernel</c>), as in the DeepCnn model file.
/// </remarks>
internal sealed class GraphBuilder
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxInitializer> _initializers = [];

    /// <summary>Builds the graph of <paramref name="model"/> (built first if needed).</summary>
    /// <exception cref="NotSupportedException">A layer type with no ONNX translation.</exception>
    public static OnnxGraph Build(Sequential model)
    {
        model.Build();
        var builder = new GraphBuilder();
        string value = OnnxExport.InputName;
        foreach (var layer in model.Layers)
            value = builder.Add(layer, layer.Name, value);
        // The model output gets its fixed name; a model of no-op layers still needs a node to name it.
        if (builder._nodes.Count == 0)
            builder._nodes.Add(new OnnxNode("Identity", "output", [value], value));
        builder._nodes[^1].Output = OnnxExport.OutputName;
        return new OnnxGraph(model.Name, builder._nodes, builder._initializers, [.. model.InputShape], [.. model.OutputShape]);
    }

    // Appends the nodes of one layer, named by its path, reading value x; returns the name of the layer's output value.
    private string Add(Layer layer, string path, string x) => layer switch
    {
        Conv2D conv => Activation(conv, path, Conv(conv, path, x)),
        Dense dense => Activation(dense, path, Gemm(dense, path, x)),
        MaxPool2D pool => Node("MaxPool", path, [x],
            OnnxAttribute.Of("kernel_shape", pool.PoolSize, pool.PoolSize),
            OnnxAttribute.Of("strides", pool.Strides, pool.Strides)),
        Flatten => FlattenChannelsLast(layer, path, x),
        BatchNormalization norm => Node("BatchNormalization", path,
            [x, Weight(path, norm.Gamma), Weight(path, norm.Beta), Weight(path, norm.MovingMean), Weight(path, norm.MovingVariance)],
            OnnxAttribute.Of("epsilon", (float)norm.Epsilon)),
        // Inverted dropout is the identity at inference.
        Dropout => Node("Identity", path, [x]),
        ReLU => Node("Relu", path, [x]),
        Residual residual => Skip(residual, path, x),
        _ => throw new NotSupportedException($"Layer '{path}' ({layer.GetType().Name}) has no ONNX translation: the exporter knows Conv2D, Dense, MaxPool2D, Flatten, BatchNormalization, Dropout, ReLU and Residual."),
    };

    // y = x + F(x): the branch's nodes (nested blocks recurse), then the Add, which takes the block's name.
    private string Skip(Residual residual, string path, string x)
    {
        string branch = x;
        foreach (var inner in residual.Sublayers)
            branch = Add(inner, $"{path}/{inner.Name}", branch);
        return Node("Add", path, [x, branch]);
    }

    private string Conv(Conv2D conv, string path, string x)
    {
        var g = conv.Geometry;
        // ONNX takes explicit pads. DeepCnn (as TensorFlow) pads the top/left by PadTop/PadLeft and
        // gives the bottom/right whatever the output size still needs; "valid" convolutions whose
        // stride skips the last rows need none (ONNX, like DeepCnn, rounds the output size down).
        long padBottom = Math.Max(0, ((g.OutHeight - 1) * g.Stride) + g.KernelHeight - g.InHeight - g.PadTop);
        long padRight = Math.Max(0, ((g.OutWidth - 1) * g.Stride) + g.KernelWidth - g.InWidth - g.PadLeft);
        string[] inputs = conv.Bias is null ? [x, Weight(path, conv.Kernel)] : [x, Weight(path, conv.Kernel), Weight(path, conv.Bias)];
        return Node("Conv", LinearName(conv, path), inputs,
            OnnxAttribute.Of("kernel_shape", g.KernelHeight, g.KernelWidth),
            OnnxAttribute.Of("strides", g.Stride, g.Stride),
            OnnxAttribute.Of("pads", g.PadTop, g.PadLeft, padBottom, padRight),
            OnnxAttribute.Of("dilations", 1, 1),
            OnnxAttribute.Of("group", 1L));
    }

    // Dense kernel is [in, out] (Keras's), so B is used untransposed: y = x W + b.
    private string Gemm(Dense dense, string path, string x)
    {
        string[] inputs = dense.Bias is null ? [x, Weight(path, dense.Kernel)] : [x, Weight(path, dense.Kernel), Weight(path, dense.Bias)];
        return Node("Gemm", LinearName(dense, path), inputs,
            OnnxAttribute.Of("alpha", 1f),
            OnnxAttribute.Of("beta", 1f),
            OnnxAttribute.Of("transA", 0L),
            OnnxAttribute.Of("transB", 0L));
    }

    // A fused activation becomes its own node after the linear one; softmax runs over the channel
    // (feature) axis, which is axis 1 for both [N, C, H, W] and [N, F].
    private string Activation(ActivatedLayer layer, string path, string z) => layer.Activation switch
    {
        Layers.Activation.ReLU => Node("Relu", path, [z]),
        Layers.Activation.Softmax => Node("Softmax", path, [z], OnnxAttribute.Of("axis", 1L)),
        _ => z,
    };

    // The linear node takes the layer's name when nothing follows it, else a suffixed one.
    private static string LinearName(ActivatedLayer layer, string path) =>
        layer.Activation == Layers.Activation.None ? path : $"{path}/linear";

    // Keras flattens channels last: [N, C, H, W] -> [N, H, W, C] -> [N, H*W*C], index (h*W + w)*C + c.
    private string FlattenChannelsLast(Layer layer, string path, string x)
    {
        if (layer.InputShape.Length == 3)
            x = Node("Transpose", $"{path}/nhwc", [x], OnnxAttribute.Of("perm", 0, 2, 3, 1));
        return Node("Flatten", path, [x], OnnxAttribute.Of("axis", 1L));
    }

    private string Weight(string path, Parameter parameter)
    {
        string name = $"{path}/{parameter.Name}";
        _initializers.Add(new OnnxInitializer(name, parameter.Value.Shape.ToArray(), parameter.Value.ToArray()));
        return name;
    }

    // Adds a node whose output value has the node's name; returns that name.
    private string Node(string opType, string name, string[] inputs, params OnnxAttribute[] attributes)
    {
        _nodes.Add(new OnnxNode(opType, name, inputs, name, attributes));
        return name;
    }
}
