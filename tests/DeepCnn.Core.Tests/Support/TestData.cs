using DeepCnn.Tensors;

namespace DeepCnn.Core.Tests.Support;

/// <summary>Deterministic random tensors for tests.</summary>
internal static class TestData
{
    public static Tensor Uniform(Rng rng, float lo, float hi, params int[] shape)
    {
        var t = new Tensor(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
            s[i] = rng.NextUniform(lo, hi);
        return t;
    }

    public static Tensor OneHot(Rng rng, int batch, int classes)
    {
        var t = new Tensor(batch, classes);
        for (int n = 0; n < batch; n++)
            t[n, rng.NextInt(classes)] = 1f;
        return t;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relative, double absolute, string what)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (diff > absolute + (relative * Math.Abs(expected[i])))
                Xunit.Assert.Fail($"{what}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9} (difference {diff:G3}).");
        }
    }
}
