using DeepCnn.Testing;
using System.Buffers.Binary;
using System.Text.Json.Nodes;
using DeepCnn.Serialization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace DeepCnn.Core.Tests.Serialization;

/// <summary>
/// Whatever the bytes, loading gives a valid model or a <see cref="ModelFormatException"/> naming the
/// file: no other exception, and no allocation beyond what the input's size justifies. 1,300 seeded
/// cases, starting from files with and without residual blocks, Adam, plain SGD and SGD with momentum.
/// </summary>
public class LoaderFuzzTests
{
    // The files are a few kilobytes; a loader that trusted a lying size would allocate gigabytes.
    private const long AllocationLimit = 4_000_000;

    private static readonly byte[][] ValidFiles =
    [
        ModelFiles.ToBytes(ModelFiles.Small(seed: 1)),
        ModelFiles.ToBytes(ModelFiles.Small(seed: 2), includeOptimizer: false),
        ModelFiles.ToBytes(ModelFiles.Small(seed: 3, new DeepCnn.Optimizers.Sgd(0.1))),
        ModelFiles.ToBytes(ModelFiles.WithResiduals(seed: 4)),
        ModelFiles.ToBytes(ModelFiles.WithResiduals(seed: 5, new DeepCnn.Optimizers.Sgd(0.1, momentum: 0.9))),
    ];

    private static Gen<byte[]> Bytes(int minLength, int maxLength) =>
        from length in Gen.Choose(minLength, maxLength)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(value => (byte)value), length)
        select bytes;

    private static readonly Gen<byte[]> RandomFiles = Gen.OneOf(
        Bytes(0, 256),
        // A valid preamble gets past the magic and version into the header checks.
        from headerLength in Gen.Elements(0u, 1u, 2u, 100u, 255u, 1u << 24, (1u << 24) + 1, uint.MaxValue)
        from version in Gen.Elements(1u, 2u)
        from rest in Bytes(0, 256)
        select Preamble(version, headerLength, rest),
        from version in Gen.Elements(1u, 2u)
        from rest in Bytes(0, 256)
        select Preamble(version, (uint)rest.Length, rest));

    private static readonly Gen<ByteMutation> ByteMutations = Gen.OneOf(
        from position in Gen.Choose(0, int.MaxValue)
        from bit in Gen.Choose(0, 7)
        select (ByteMutation)new FlipBit(position, bit),
        from position in Gen.Choose(0, int.MaxValue)
        from value in Gen.Choose(0, 255)
        select (ByteMutation)new SetByte(position, (byte)value),
        from keep in Gen.Choose(0, int.MaxValue)
        select (ByteMutation)new Truncate(keep),
        from position in Gen.Choose(0, int.MaxValue)
        from extra in Bytes(1, 8)
        select (ByteMutation)new Insert(position, extra),
        from word in Gen.Choose(2, 3)
        from value in Gen.Elements<uint>(0, 1, 2, 16, 1000, 1u << 24, int.MaxValue, uint.MaxValue)
        select (ByteMutation)new SetWord(word, value, BigEndian: false));

    private static readonly Gen<byte[]> MutatedFiles =
        from file in Gen.Elements<byte[]>(ValidFiles)
        from count in Gen.Choose(1, 3)
        from mutations in Gen.ListOf(ByteMutations, count)
        select mutations.Aggregate(file, (content, mutation) => mutation.Apply(content));

    private static readonly Gen<byte[]> HeaderMutatedFiles =
        from file in Gen.Elements<byte[]>(ValidFiles)
        from count in Gen.Choose(1, 2)
        from mutations in Gen.ListOf(
            from node in Gen.Choose(0, int.MaxValue)
            from kind in Gen.Choose(0, 6)
            from value in Gen.Choose(0, int.MaxValue)
            select new JsonMutation(node, kind, value), count)
        select MutateHeader(file, mutations);

    [Property(MaxTest = 400, Replay = "(20261211,3)")]
    public Property Random_bytes_load_or_are_rejected_cleanly() =>
        Prop.ForAll(RandomFiles.ToArbitrary(), AssertLoadsOrRejects);

    [Property(MaxTest = 450, Replay = "(20261212,5)")]
    public Property Damaged_files_load_or_are_rejected_cleanly() =>
        Prop.ForAll(MutatedFiles.ToArbitrary(), AssertLoadsOrRejects);

    [Property(MaxTest = 450, Replay = "(20261213,7)")]
    public Property Files_with_edited_headers_load_or_are_rejected_cleanly() =>
        Prop.ForAll(HeaderMutatedFiles.ToArbitrary(), AssertLoadsOrRejects);

    private static void AssertLoadsOrRejects(byte[] content)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var model = ModelFiles.FromBytes(content);
            Assert.True(model.IsBuilt);
            Assert.Equal(model.TotalParameters, model.Parameters.Sum(p => (long)p.Count));
            Assert.True(model.TotalParameters * 4 <= content.Length);
        }
        catch (ModelFormatException e)
        {
            Assert.StartsWith(ModelFiles.FileName + ": ", e.Message, StringComparison.Ordinal);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationLimit + (16L * content.Length), $"allocated {allocated} bytes for {content.Length} input bytes");
    }

    private static byte[] Preamble(uint version, uint headerLength, byte[] rest)
    {
        var file = new byte[16 + rest.Length];
        "DEEPCNN\0"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), version);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), headerLength);
        rest.CopyTo(file, 16);
        return file;
    }

    // Edits the parsed header and writes it back with a correct length, so the edit reaches the deep checks.
    private static byte[] MutateHeader(byte[] file, IEnumerable<JsonMutation> mutations)
    {
        var (header, data) = ModelFiles.Split(file);
        foreach (var mutation in mutations)
            mutation.Apply(header);
        return ModelFiles.Join(header, data);
    }

    /// <summary>One edit of the header: node and value are chosen modulo what exists.</summary>
    private sealed record JsonMutation(int Node, int Kind, int Value)
    {
        private static readonly JsonNode?[] Replacements =
        [
            null, 0, -1, 1, 2, 3, 7, 255, 1 << 24, (1 << 24) + 1, int.MaxValue, (long)int.MaxValue + 1, long.MaxValue,
            ulong.MaxValue, 0.5, 1.0, 1e-300, 1e300, -0.0, "", "relu", "same", "Conv2D", "Dense", "Flatten", "float64",
            new string('x', 5000), true, false,
        ];

        public void Apply(JsonObject header)
        {
            var nodes = new List<(JsonNode Parent, string? Key, int Index)>();
            Collect(header, nodes);
            if (nodes.Count == 0)
                return;
            var (parent, key, index) = nodes[Node % nodes.Count];
            switch (Kind)
            {
                case 0 or 1 or 2:
                    Replace(parent, key, index, Replacements[Value % Replacements.Length]?.DeepClone());
                    break;
                case 3:
                    if (parent is JsonObject removeFrom)
                        removeFrom.Remove(key!);
                    else
                        parent.AsArray().RemoveAt(index);
                    break;
                case 4:
                    // Duplicate an array element (a layer, a tensor entry, a dimension) or nest a value in an array.
                    var node = key is null ? parent.AsArray()[index] : parent[key];
                    if (key is null)
                        parent.AsArray().Insert(index, node?.DeepClone());
                    else
                        Replace(parent, key, index, new JsonArray(node?.DeepClone()));
                    break;
                case 5:
                    Replace(parent, key, index, new JsonObject { ["type"] = "Dropout", ["name"] = $"x{Value}", ["rate"] = 0.5 });
                    break;
                default:
                    // Wrap a value (a layer, a layer list, anything) in a residual block.
                    var wrapped = key is null ? parent.AsArray()[index] : parent[key];
                    var branch = wrapped is JsonArray list ? list.DeepClone() : new JsonArray(wrapped?.DeepClone());
                    Replace(parent, key, index, new JsonObject { ["type"] = "Residual", ["name"] = $"x{Value}", ["zeroInitLastNorm"] = Value % 2 == 0, ["layers"] = branch });
                    break;
            }
        }

        private static void Replace(JsonNode parent, string? key, int index, JsonNode? value)
        {
            if (key is not null)
                parent[key] = value;
            else
                parent.AsArray()[index] = value;
        }

        private static void Collect(JsonNode node, List<(JsonNode, string?, int)> nodes)
        {
            if (node is JsonObject obj)
            {
                foreach (var (key, child) in obj.ToList())
                {
                    nodes.Add((obj, key, -1));
                    if (child is not null)
                        Collect(child, nodes);
                }
            }
            else if (node is JsonArray array)
            {
                for (int i = 0; i < array.Count; i++)
                {
                    nodes.Add((array, null, i));
                    if (array[i] is { } child)
                        Collect(child, nodes);
                }
            }
        }
    }
}
