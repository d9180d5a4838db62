using System.Reflection;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace DeepCnn.Onnx;

/// <summary>
/// Serializes an <see cref="OnnxGraph"/> as an ONNX <c>ModelProto</c>, field by field with the field
/// numbers of onnx/onnx.proto. Embedded messages are length-prefixed, so each is encoded to bytes
/// first and then written into its parent.
/// </summary>
internal static class OnnxProtoWriter
{
    /// <summary>IR version 8 (ONNX 1.10+): accepted by every ONNX Runtime since 1.10.</summary>
    public const long IrVersion = 8;

    private const int TensorFloat = 1;

    // ModelProto
    private const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelGraph = 7, ModelOpsetImport = 8;

    // OperatorSetIdProto
    private const int OpsetVersion = 2;

    // GraphProto
    private const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;

    // NodeProto
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5;

    // AttributeProto
    private const int AttributeName = 1, AttributeF = 2, AttributeI = 3, AttributeInts = 8, AttributeType = 20;

    // TensorProto
    private const int TensorDims = 1, TensorDataType = 2, TensorName = 8, TensorRawData = 9;

    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private const int ValueName = 1, ValueType = 2, TypeTensor = 1, TensorElemType = 1, TensorShape = 2, ShapeDim = 1, DimValue = 1, DimParam = 2;

    /// <summary>The ModelProto bytes of <paramref name="graph"/>.</summary>
    public static byte[] Write(OnnxGraph graph) => Message(output =>
    {
        output.WriteTag(ModelIrVersion, WireFormat.WireType.Varint);
        output.WriteInt64(IrVersion);
        WriteString(output, ModelProducerName, "DeepCnn");
        WriteString(output, ModelProducerVersion, typeof(OnnxProtoWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0");
        WriteMessage(output, ModelGraph, Graph(graph));
        // The default domain ("") is the absent field.
        WriteMessage(output, ModelOpsetImport, Message(opset =>
        {
            opset.WriteTag(OpsetVersion, WireFormat.WireType.Varint);
            opset.WriteInt64(OnnxExport.OpsetVersion);
        }));
    });

    private static byte[] Graph(OnnxGraph graph) => Message(output =>
    {
        foreach (var node in graph.Nodes)
            WriteMessage(output, GraphNode, Node(node));
        WriteString(output, GraphName, graph.Name);
        foreach (var initializer in graph.Initializers)
            WriteMessage(output, GraphInitializer, Initializer(initializer));
        WriteMessage(output, GraphInput, ValueInfo(OnnxExport.InputName, graph.InputShape));
        WriteMessage(output, GraphOutput, ValueInfo(OnnxExport.OutputName, graph.OutputShape));
    });

    private static byte[] Node(OnnxNode node) => Message(output =>
    {
        foreach (string input in node.Inputs)
            WriteString(output, NodeInput, input);
        WriteString(output, NodeOutput, node.Output);
        WriteString(output, NodeName, node.Name);
        WriteString(output, NodeOpType, node.OpType);
        foreach (var attribute in node.Attributes)
            WriteMessage(output, NodeAttribute, Attribute(attribute));
    });

    private static byte[] Attribute(OnnxAttribute attribute) => Message(output =>
    {
        WriteString(output, AttributeName, attribute.Name);
        switch (attribute.Type)
        {
            case OnnxAttributeType.Float:
                output.WriteTag(AttributeF, WireFormat.WireType.Fixed32);
                output.WriteFloat(attribute.Float);
                break;
            case OnnxAttributeType.Int:
                output.WriteTag(AttributeI, WireFormat.WireType.Varint);
                output.WriteInt64(attribute.Int);
                break;
            case OnnxAttributeType.Ints:
                // proto2 repeated scalars without [packed = true]: one tag per element.
                foreach (long value in attribute.Ints!)
                {
                    output.WriteTag(AttributeInts, WireFormat.WireType.Varint);
                    output.WriteInt64(value);
                }
                break;
        }
        output.WriteTag(AttributeType, WireFormat.WireType.Varint);
        output.WriteInt32((int)attribute.Type);
    });

    private static byte[] Initializer(OnnxInitializer initializer) => Message(output =>
    {
        foreach (int dim in initializer.Dims)
        {
            output.WriteTag(TensorDims, WireFormat.WireType.Varint);
            output.WriteInt64(dim);
        }
        output.WriteTag(TensorDataType, WireFormat.WireType.Varint);
        output.WriteInt32(TensorFloat);
        WriteString(output, TensorName, initializer.Name);
        // raw_data is little-endian IEEE 754 by definition.
        var raw = new byte[initializer.Data.Length * sizeof(float)];
        MemoryMarshal.AsBytes(initializer.Data.AsSpan()).CopyTo(raw);
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < raw.Length; i += 4)
                raw.AsSpan(i, 4).Reverse();
        output.WriteTag(TensorRawData, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(raw));
    });

    // A float tensor value [batch, ...sampleShape] with a symbolic batch dimension.
    private static byte[] ValueInfo(string name, int[] sampleShape) => Message(output =>
    {
        WriteString(output, ValueName, name);
        var shape = Message(dims =>
        {
            WriteMessage(dims, ShapeDim, Message(dim => WriteString(dim, DimParam, OnnxExport.BatchDimension)));
            foreach (int size in sampleShape)
                WriteMessage(dims, ShapeDim, Message(dim =>
                {
                    dim.WriteTag(DimValue, WireFormat.WireType.Varint);
                    dim.WriteInt64(size);
                }));
        });
        var tensor = Message(t =>
        {
            t.WriteTag(TensorElemType, WireFormat.WireType.Varint);
            t.WriteInt32(TensorFloat);
            WriteMessage(t, TensorShape, shape);
        });
        WriteMessage(output, ValueType, Message(type => WriteMessage(type, TypeTensor, tensor)));
    });

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
            write(output);
        return buffer.ToArray();
    }

    private static void WriteMessage(CodedOutputStream output, int field, byte[] message)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(message));
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }
}
