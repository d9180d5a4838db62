namespace DeepCnn.Onnx.Tests;

/// <summary>Element-wise comparison with an absolute tolerance, reporting the first and the largest difference.</summary>
internal static class Approximately
{
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= worst))
                (worst, worstAt) = (diff, i);
        }
        Assert.True(worst <= tolerance, $"{what}: largest difference {worst:G3} at [{worstAt}] (expected {(worstAt >= 0 ? expected[worstAt] : 0):G9}, got {(worstAt >= 0 ? actual[worstAt] : 0):G9}), tolerance {tolerance:G3}");
    }
}
