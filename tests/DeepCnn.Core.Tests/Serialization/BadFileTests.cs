using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using DeepCnn.Serialization;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Serialization;

/// <summary>Every kind of bad file is a <see cref="ModelFormatException"/> that names the file and the problem.</summary>
public class BadFileTests
{
    // A model the loader must not materialize would need at least this much.
    private const long AllocationLimit = 2_000_000;

    private static readonly byte[] Valid = ModelFiles.ToBytes(ModelFiles.Small(seed: 1));

    // The cases named "nested: ..." start from this one.
    private static readonly byte[] ValidNested = ModelFiles.ToBytes(ModelFiles.WithResiduals(seed: 1));

    public static TheoryData<string, string> Cases => new()
    {
        { "empty", "shorter than the 16-byte preamble" },
        { "wrong magic", "magic bytes" },
        { "wrong version", "format version 3 is not supported: this build reads versions 1 to 2" },
        { "version 0", "format version 0 is not supported" },
        { "absurd header length", "header length 4294967280 is outside" },
        { "header longer than the file", "truncated: the header is" },
        { "truncated data", "lie beyond the data section" },
        { "trailing byte", "the data section holds" },
        { "header not JSON", "header is not valid JSON" },
        { "header not UTF-8", "JSON" },
        { "hostile nesting", "header is not valid JSON" },
        { "unknown layer type", "header layers[0].type: must be one of" },
        { "unknown field", "unknown field \"dilation\"" },
        { "missing field", "header model: missing field \"seed\"" },
        { "duplicate field", "field \"seed\" appears twice" },
        { "negative seed", "model.seed: must be an unsigned 64-bit integer" },
        { "zero filters", "layers[0].filters: must be in [1," },
        { "string filters", "layers[0].filters: must be an integer" },
        { "dropout rate 1", "layers[2].rate: must be in [0, 1)" },
        { "momentum 2", "layers[1].momentum: must be in [0, 1]" },
        { "negative epsilon", "layers[1].epsilon: must be positive" },
        { "unknown activation", "layers[5].activation: must be one of" },
        { "no layers", "layers: must hold at least one layer" },
        { "duplicate layer names", "is used by an earlier layer" },
        { "shapes do not chain", "Dense needs a flat input" },
        { "kernel larger than the input", "the output would be empty" },
        { "input shape of rank 2", "model.inputShape: must be [features] or [channels, height, width]" },
        { "absurd input shape", "elements per sample" },
        { "tensor shape differs from the architecture", "but the architecture gives it [4, 1, 3, 3]" },
        { "architecture differs from the tensors", "but the architecture gives it [5, 1, 3, 3]" },
        { "absurd layer size", "lie beyond the data section" },
        { "absurd tensor", "has more than 2147483647 elements" },
        { "length disagrees with shape", "does not match shape" },
        { "offset gap", "offset 148 should be 144" },
        { "float64", "dtype: must be one of \"float32\"" },
        { "missing tensor", "the architecture also needs \"optimizer/dense_1/bias/v\"" },
        { "extra tensor", "\"extra\" is not part of the model" },
        { "renamed tensor", "the architecture expects \"conv2d/kernel\" here" },
        { "negative iterations", "iterations: must be in [0," },
        { "all-zero random state", "shuffleRandomState: is all zeros" },
        { "missing dropout state", "has 0 entries but the model has 1 Dropout layers" },
        { "wrong dropout layer", "is \"dense\" but Dropout layer 0 is \"dropout\"" },
        { "unknown loss", "training.loss: must be one of" },
        { "SGD momentum 1", "training.optimizer.momentum: must be in [0, 1)" },
        { "SGD with momentum in version 1", "training.optimizer.momentum: must be 0 in a version 1 file" },
        { "SGD velocity where Adam's moments are", "is \"optimizer/conv2d/kernel/m\" but the architecture expects \"optimizer/conv2d/kernel/velocity\" here" },
        { "Dropout seed in version 1", "layers[2].seed: a Dropout seed needs format version 2, but the file says version 1" },
        { "negative Dropout seed", "layers[2].seed: must be an unsigned 64-bit integer" },
        { "nested: Residual in version 1", "layers[1].type: a Residual layer needs format version 2, but the file says version 1" },
        { "nested: empty branch", "layers[1].layers[4].layers: must hold at least one layer" },
        { "nested: branch not an array", "layers[1].layers: must be an array" },
        { "nested: unknown field", "layers[1].layers[4]: unknown field \"skip\"" },
        { "nested: missing zeroInitLastNorm", "layers[2]: missing field \"zeroInitLastNorm\"" },
        { "nested: zeroInitLastNorm without BatchNormalization", "layers[1].layers[4].zeroInitLastNorm: is true but the block has no BatchNormalization" },
        { "nested: duplicate names in a block", "layers[1].layers[1]: name \"batch_normalization\" is used by an earlier layer" },
        { "nested: unknown inner type", "layers[1].layers[4].layers[1].type: must be one of" },
        { "nested: branch changes the shape", "the identity skip needs equal shapes" },
        { "nested: inner layer cannot take its input", "Layer 'residual/dense'" },
        { "nested: renamed inner tensor", "the architecture expects \"residual/residual/conv2d/kernel\" here" },
        { "nested: inner tensor shape", "\"residual/conv2d/kernel\" has shape [4, 4, 1, 9] but the architecture gives it [4, 4, 3, 3]" },
        { "nested: wrong Dropout path", "is \"dropout\" but Dropout layer 0 is \"residual/dropout\"" },
        { "nested: 17 deep", "residual blocks are nested more than 16 deep" },
        { "nested: nesting bomb", "header is not valid JSON" },
        { "nested: too many layers in all", "header layers: declares 12006 layers (counting those inside residual blocks), at most 10000 allowed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_file_is_rejected_with_a_message_naming_the_file_and_the_problem(string kind, string expected)
    {
        byte[] content = Build(kind);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ModelFormatException>(() => ModelFiles.FromBytes(content));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith(ModelFiles.FileName + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(ModelFiles.FileName, error.FileName);
        Assert.True(allocated < AllocationLimit + (4L * content.Length), $"allocated {allocated} bytes for a {content.Length}-byte file");
    }

    [Fact]
    public void A_missing_file_is_a_ModelFormatException_naming_it()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.Combine("absent.deepcnn");
        var error = Assert.Throws<ModelFormatException>(() => Sequential.Load(path));
        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Fact]
    public void A_directory_is_a_ModelFormatException_naming_it()
    {
        using var directory = new TemporaryDirectory();
        var error = Assert.Throws<ModelFormatException>(() => Sequential.Load(directory.Path));
        Assert.StartsWith(directory.Path + ": cannot be opened", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_valid_file_these_cases_start_from_loads()
    {
        ModelFiles.AssertSameWeights(ModelFiles.Small(seed: 1), ModelFiles.FromBytes(Valid));
    }

    private static byte[] Build(string kind)
    {
        if (kind.StartsWith("nested: ", StringComparison.Ordinal))
            return BuildNested(kind["nested: ".Length..]);
        var (header, data) = ModelFiles.Split(Valid);
        var layers = header["layers"]!.AsArray();
        var tensors = header["tensors"]!.AsArray();
        var training = header["training"]!.AsObject();
        switch (kind)
        {
            case "empty":
                return [];
            case "wrong magic":
                return [.. "DEEPCNX\0"u8, .. Valid[8..]];
            case "wrong version":
                return ModelFiles.Join(header, data, version: 3);
            case "version 0":
                return ModelFiles.Join(header, data, version: 0);
            case "absurd header length":
                return WithHeaderLength(0xFFFF_FFF0);
            case "header longer than the file":
                return WithHeaderLength((uint)Valid.Length);
            case "truncated data":
                return Valid[..^1];
            case "trailing byte":
                return [.. Valid, 0];
            case "header not JSON":
                return ModelFiles.Join("{\"model\": not json"u8.ToArray(), data);
            case "header not UTF-8":
                return ModelFiles.Join([.. "{\"model\": \""u8, 0xFF, 0xFE, .. "\"}"u8], data);
            case "hostile nesting":
                return ModelFiles.Join(Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)), data);
            case "unknown layer type":
                layers[0]!["type"] = "Conv3D";
                break;
            case "unknown field":
                layers[0]!["dilation"] = 2;
                break;
            case "missing field":
                header["model"]!.AsObject().Remove("seed");
                break;
            case "duplicate field":
                return ModelFiles.Join(Encoding.UTF8.GetBytes(header.ToJsonString().Replace("\"model\":{", "\"model\":{\"seed\":1,", StringComparison.Ordinal)), data);
            case "negative seed":
                header["model"]!["seed"] = -1;
                break;
            case "zero filters":
                layers[0]!["filters"] = 0;
                break;
            case "string filters":
                layers[0]!["filters"] = "4";
                break;
            case "dropout rate 1":
                layers[2]!["rate"] = 1.0;
                break;
            case "momentum 2":
                layers[1]!["momentum"] = 2.0;
                break;
            case "negative epsilon":
                layers[1]!["epsilon"] = -1e-3;
                break;
            case "unknown activation":
                layers[5]!["activation"] = "tanh";
                break;
            case "no layers":
                layers.Clear();
                break;
            case "duplicate layer names":
                layers[1]!["name"] = "conv2d";
                break;
            case "shapes do not chain":
                layers.RemoveAt(4);
                break;
            case "kernel larger than the input":
                header["model"]!["inputShape"] = new JsonArray(1, 2, 2);
                break;
            case "input shape of rank 2":
                header["model"]!["inputShape"] = new JsonArray(8, 8);
                break;
            case "absurd input shape":
                header["model"]!["inputShape"] = new JsonArray(1, 1 << 24, 1 << 24);
                break;
            case "tensor shape differs from the architecture":
                tensors[0]!["shape"] = new JsonArray(4, 1, 9, 1);
                break;
            case "architecture differs from the tensors":
                layers[0]!["filters"] = 5;
                break;
            case "absurd layer size":
                // The header is self-consistent about a 16M-unit layer; only the file's length gives it away.
                layers[5]!["units"] = 1 << 24;
                tensors[6]!["shape"] = new JsonArray(36, 1 << 24);
                tensors[6]!["length"] = 4L * 36 * (1 << 24);
                break;
            case "absurd tensor":
                tensors[0]!["shape"] = new JsonArray(1 << 24, 1 << 24);
                break;
            case "length disagrees with shape":
                tensors[0]!["length"] = 148;
                break;
            case "offset gap":
                tensors[1]!["offset"] = 148;
                break;
            case "float64":
                tensors[0]!["dtype"] = "float64";
                break;
            case "missing tensor":
                int lastLength = (int)tensors[^1]!["length"]!;
                tensors.RemoveAt(tensors.Count - 1);
                return ModelFiles.Join(header, data[..^lastLength]);
            case "extra tensor":
                tensors.Add(new JsonObject { ["name"] = "extra", ["shape"] = new JsonArray(1), ["dtype"] = "float32", ["offset"] = data.Length, ["length"] = 4 });
                return ModelFiles.Join(header, [.. data, 0, 0, 0, 0]);
            case "renamed tensor":
                tensors[0]!["name"] = "conv2d/weights";
                break;
            case "negative iterations":
                training["optimizer"]!["iterations"] = -1;
                break;
            case "all-zero random state":
                training["shuffleRandomState"] = new JsonArray(0, 0, 0, 0);
                break;
            case "missing dropout state":
                training["dropoutRandomStates"]!.AsArray().Clear();
                break;
            case "wrong dropout layer":
                training["dropoutRandomStates"]![0]!["layer"] = "dense";
                break;
            case "unknown loss":
                training["loss"] = "mean_squared_error";
                break;
            case "SGD momentum 1":
                training["optimizer"] = new JsonObject { ["type"] = "SGD", ["learningRate"] = 0.1, ["momentum"] = 1.0, ["iterations"] = 3 };
                break;
            case "SGD with momentum in version 1":
                training["optimizer"] = new JsonObject { ["type"] = "SGD", ["learningRate"] = 0.1, ["momentum"] = 0.9, ["iterations"] = 3 };
                return ModelFiles.Join(header, data, version: 1);
            case "SGD velocity where Adam's moments are":
                training["optimizer"] = new JsonObject { ["type"] = "SGD", ["learningRate"] = 0.1, ["momentum"] = 0.9, ["iterations"] = 3 };
                break;
            case "Dropout seed in version 1":
                layers[2]!["seed"] = 5;
                return ModelFiles.Join(header, data, version: 1);
            case "negative Dropout seed":
                layers[2]!["seed"] = -5;
                break;
            default:
                throw new ArgumentException($"unknown case {kind}", nameof(kind));
        }
        return ModelFiles.Join(header, data);
    }

    // Edits of the residual model's file. Its layers: conv2d, residual [batch_normalization, re_lu,
    // dropout, conv2d, residual [batch_normalization, conv2d, dropout]], residual_1 (pre-activation), ...
    private static byte[] BuildNested(string kind)
    {
        var (header, data) = ModelFiles.Split(ValidNested);
        var layers = header["layers"]!.AsArray();
        var outer = layers[1]!.AsObject();
        var branch = outer["layers"]!.AsArray();
        var nested = branch[4]!.AsObject();
        var tensors = header["tensors"]!.AsArray();
        switch (kind)
        {
            case "Residual in version 1":
                return ModelFiles.Join(header, data, version: 1);
            case "empty branch":
                nested["layers"]!.AsArray().Clear();
                break;
            case "branch not an array":
                outer["layers"] = new JsonObject();
                break;
            case "unknown field":
                nested["skip"] = "identity";
                break;
            case "missing zeroInitLastNorm":
                layers[2]!.AsObject().Remove("zeroInitLastNorm");
                break;
            case "zeroInitLastNorm without BatchNormalization":
                nested["zeroInitLastNorm"] = true;
                nested["layers"]!.AsArray().RemoveAt(0);
                break;
            case "duplicate names in a block":
                branch[1]!["name"] = "batch_normalization";
                break;
            case "unknown inner type":
                nested["layers"]![1]!["type"] = "Conv3D";
                break;
            case "branch changes the shape":
                branch[3]!["strides"] = 2;
                break;
            case "inner layer cannot take its input":
                branch[1] = new JsonObject { ["type"] = "Dense", ["name"] = "dense", ["units"] = 4, ["activation"] = "linear", ["useBias"] = true, ["kernelInitializer"] = "zeros" };
                break;
            case "renamed inner tensor":
                tensors[12]!["name"] = "residual/conv2d/kernel";
                break;
            case "inner tensor shape":
                tensors[6]!["shape"] = new JsonArray(4, 4, 1, 9);
                break;
            case "wrong Dropout path":
                header["training"]!["dropoutRandomStates"]![0]!["layer"] = "dropout";
                break;
            case "17 deep":
                layers[1] = Nest(17, new JsonObject { ["type"] = "ReLU", ["name"] = "re_lu" });
                break;
            case "nesting bomb":
                // 5,000 blocks, each inside the previous one; JSON writers refuse such depth, so it is text.
                layers[1] = "bomb";
                string bomb = string.Concat(Enumerable.Repeat("{\"type\":\"Residual\",\"name\":\"r\",\"zeroInitLastNorm\":false,\"layers\":[", 5000))
                    + "{\"type\":\"ReLU\",\"name\":\"re_lu\"}" + string.Concat(Enumerable.Repeat("]}", 5000));
                return ModelFiles.Join(Encoding.UTF8.GetBytes(header.ToJsonString().Replace("\"bomb\"", bomb, StringComparison.Ordinal)), data);
            case "too many layers in all":
                for (int i = 1; i <= 2; i++)
                    layers[i] = new JsonObject
                    {
                        ["type"] = "Residual",
                        ["name"] = $"wide_{i}",
                        ["zeroInitLastNorm"] = false,
                        ["layers"] = new JsonArray([.. Enumerable.Range(0, 6000).Select(j => (JsonNode)new JsonObject { ["type"] = "ReLU", ["name"] = $"re_lu_{j}" })]),
                    };
                break;
            default:
                throw new ArgumentException($"unknown case {kind}", nameof(kind));
        }
        return ModelFiles.Join(header, data);
    }

    // Residual blocks nested `depth` deep around `core`.
    private static JsonObject Nest(int depth, JsonObject core)
    {
        var node = core;
        for (int i = 0; i < depth; i++)
            node = new JsonObject { ["type"] = "Residual", ["name"] = "residual", ["zeroInitLastNorm"] = false, ["layers"] = new JsonArray(node) };
        return node;
    }

    private static byte[] WithHeaderLength(uint length)
    {
        var content = Valid.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan(12), length);
        return content;
    }
}
