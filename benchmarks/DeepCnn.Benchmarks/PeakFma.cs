using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace DeepCnn.Benchmarks;

/// <summary>
/// The FMA throughput ceiling of one core: 16 independent Vector512 multiply-add chains (enough
/// to cover FMA latency on two pipes) with no memory traffic. The convolution rows are judged against it.
/// </summary>
public class PeakFma : IFlopCounted
{
    private const int Steps = 100_000;

    /// <summary>2 FLOP x 16 lanes x 16 chains per step.</summary>
    public double FlopsPerInvocation(IReadOnlyDictionary<string, object> parameters) => 2.0 * 16 * 16 * Steps;

    [Benchmark(Description = "Vector512 FMA peak, 1 core")]
    public float Fma() => Run(Steps);

    /// <summary>Times <see cref="Run"/> for about <paramref name="duration"/> and returns GFLOP/s.</summary>
    public static double MeasureGflops(TimeSpan duration)
    {
        Run(Steps);
        double best = 0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed < duration)
        {
            long start = Stopwatch.GetTimestamp();
            Run(Steps);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, 2.0 * 16 * 16 * Steps / seconds / 1e9);
        }
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run(int steps)
    {
        var a = Vector512.Create(0.999f);
        var b = Vector512.Create(1e-4f);
        Vector512<float> s0 = b, s1 = b, s2 = b, s3 = b, s4 = b, s5 = b, s6 = b, s7 = b;
        Vector512<float> s8 = b, s9 = b, s10 = b, s11 = b, s12 = b, s13 = b, s14 = b, s15 = b;
        for (int i = 0; i < steps; i++)
        {
            s0 = Vector512.FusedMultiplyAdd(s0, a, b); s1 = Vector512.FusedMultiplyAdd(s1, a, b);
            s2 = Vector512.FusedMultiplyAdd(s2, a, b); s3 = Vector512.FusedMultiplyAdd(s3, a, b);
            s4 = Vector512.FusedMultiplyAdd(s4, a, b); s5 = Vector512.FusedMultiplyAdd(s5, a, b);
            s6 = Vector512.FusedMultiplyAdd(s6, a, b); s7 = Vector512.FusedMultiplyAdd(s7, a, b);
            s8 = Vector512.FusedMultiplyAdd(s8, a, b); s9 = Vector512.FusedMultiplyAdd(s9, a, b);
            s10 = Vector512.FusedMultiplyAdd(s10, a, b); s11 = Vector512.FusedMultiplyAdd(s11, a, b);
            s12 = Vector512.FusedMultiplyAdd(s12, a, b); s13 = Vector512.FusedMultiplyAdd(s13, a, b);
            s14 = Vector512.FusedMultiplyAdd(s14, a, b); s15 = Vector512.FusedMultiplyAdd(s15, a, b);
        }
        var sum = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11 + s12 + s13 + s14 + s15;
        return Vector512.Sum(sum);
    }
}
