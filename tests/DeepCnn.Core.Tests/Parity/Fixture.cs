using System.Text.Json;
using DeepCnn.Tensors;

namespace DeepCnn.Core.Tests.Parity;

/// <summary>Reads the reference numbers that tools/make_parity_fixtures.py computed with PyTorch (float64).</summary>
internal static class Fixture
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "parity.json"))));

    public static JsonElement Case(string name) => Document.Value.RootElement.GetProperty(name);

    public static Tensor Tensor(this JsonElement c, string name)
    {
        var e = c.GetProperty(name);
        int[] shape = e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        float[] data = e.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        return DeepCnn.Tensors.Tensor.FromArray(data, shape.Length == 0 ? [data.Length] : shape);
    }

    public static double Scalar(this JsonElement c, string name) => c.GetProperty(name).GetDouble();
}
