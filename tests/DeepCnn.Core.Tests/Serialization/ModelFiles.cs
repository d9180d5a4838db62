using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using DeepCnn.Core.Tests.Support;
using DeepCnn.Layers;
using DeepCnn.Optimizers;
using DeepCnn.Serialization;
using DeepCnn.Tensors;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Serialization;

/// <summary>Small models, their files in memory, and surgery on a file's header.</summary>
internal static class ModelFiles
{
    public const string FileName = "model.deepcnn";

    /// <summary>Every stateful piece of training in one small model: Conv2D, BatchNormalization, Dropout, MaxPool, Flatten, Dense.</summary>
    public static Sequential Small(ulong seed, Optimizer? optimizer = null)
    {
        var model = new Sequential("small", seed);
        model.Add(new Conv2D(4, 3, activation: "relu", inputShape: [8, 8, 1]));
        model.Add(new BatchNormalization());
        model.Add(new Dropout(0.3));
        model.Add(new MaxPool2D(2));
        model.Add(new Flatten());
        model.Add(new Dense(8, activation: "relu"));
        model.Add(new Dense(4, activation: "softmax"));
        model.Compile(optimizer ?? new Adam(0.01));
        return model;
    }

    /// <summary>
    /// Residual blocks with every stateful layer inside: a block holding BatchNormalization, Dropout
    /// and a nested block (BatchNormalization, Conv2D, a Dropout with its own seed), then a
    /// pre-activation block, between a stem convolution and a softmax head.
    /// </summary>
    public static Sequential WithResiduals(ulong seed, Optimizer? optimizer = null)
    {
        var model = new Sequential("residual", seed);
        model.Add(new Conv2D(4, 3, padding: "same", activation: "relu", inputShape: [8, 8, 1]));
        model.Add(new Residual(
        [
            new BatchNormalization(), new ReLU(), new Dropout(0.2), new Conv2D(4, 3, padding: "same"),
            new Residual([new BatchNormalization(momentum: 0.9), new Conv2D(4, 3, padding: "same"), new Dropout(0.3, seed: 77)]),
        ]));
        model.Add(Residual.PreActivation(4, zeroInitLastNorm: true));
        model.Add(new MaxPool2D(2));
        model.Add(new Flatten());
        model.Add(new Dense(4, activation: "softmax"));
        model.Compile(optimizer ?? new Adam(0.01));
        return model;
    }

    /// <summary>Residual blocks nested <paramref name="depth"/> deep around <paramref name="core"/>.</summary>
    public static Layer Nest(int depth, Layer core) =>
        Enumerable.Range(0, depth).Aggregate(core, (inner, _) => new Residual([inner]));

    /// <summary>Fixed batches of 8x8 images [4, 1, 8, 8] with one-hot targets [4, 4].</summary>
    public static List<(Tensor X, Tensor Y)> Batches(int count, ulong seed)
    {
        var rng = new Rng(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (TestData.Uniform(rng, 0, 1, 4, 1, 8, 8), TestData.OneHot(rng, 4, 4)))];
    }

    public static byte[] ToBytes(Sequential model, bool includeOptimizer = true)
    {
        using var stream = new MemoryStream();
        model.Save(stream, includeOptimizer);
        return stream.ToArray();
    }

    public static Sequential FromBytes(byte[] content) => Sequential.Load(new MemoryStream(content, writable: false), FileName);

    /// <summary>The header as editable JSON and the data section.</summary>
    public static (JsonObject Header, byte[] Data) Split(byte[] file)
    {
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        var header = JsonNode.Parse(file.AsSpan(16, length))!.AsObject();
        return (header, file[(16 + length)..]);
    }

    /// <summary>A file from a header and data, with a correct preamble unless told otherwise.</summary>
    public static byte[] Join(JsonNode header, byte[] data, uint version = ModelFileFormat.Version) => Join(Encoding.UTF8.GetBytes(header.ToJsonString()), data, version);

    public static byte[] Join(byte[] header, byte[] data, uint version = ModelFileFormat.Version)
    {
        var file = new byte[16 + header.Length + data.Length];
        "DEEPCNN\0"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), version);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), (uint)header.Length);
        header.CopyTo(file, 16);
        data.CopyTo(file, 16 + header.Length);
        return file;
    }

    /// <summary>Every parameter of both models is bit-identical.</summary>
    public static void AssertSameWeights(Sequential expected, Sequential actual)
    {
        Assert.Equal(expected.Parameters.Count, actual.Parameters.Count);
        for (int i = 0; i < expected.Parameters.Count; i++)
            AssertBits(expected.Parameters[i].Value.Span, actual.Parameters[i].Value.Span, $"parameter {i} ({expected.Parameters[i].Name})");
    }

    /// <summary>Bit-for-bit equality of two float arrays (so -0 differs from 0 and NaNs compare by payload).</summary>
    public static void AssertBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9}");
    }
}
