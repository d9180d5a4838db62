using DeepCnn.Core.Tests.Properties;
using DeepCnn.Core.Tests.Support;
using DeepCnn.Kernels;
using DeepCnn.Tensors;
using FsCheck;
using TestData = DeepCnn.Core.Tests.Support.TestData;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace DeepCnn.Core.Tests.KernelTests;

/// <summary>A generated GEMM: sizes 1-70 (across the 4x4-block and vector-width boundaries) and whether it accumulates.</summary>
public sealed record GemmCase(int M, int K, int N, bool Accumulate, ulong Seed)
{
    public static Arbitrary<GemmCase> Cases() =>
        (from m in Gen.Choose(1, 70)
         from k in Gen.Choose(1, 70)
         from n in Gen.Choose(1, 70)
         from acc in Gen.Elements(true, false)
         from s in Gen.Choose(0, int.MaxValue)
         select new GemmCase(m, k, n, acc, (ulong)s)).ToArbitrary();
}

/// <summary>The three GEMM forms equal the textbook triple loop at every register width.</summary>
[Properties(MaxTest = PropertyConfig.Cases, Replay = PropertyConfig.Replay, Arbitrary = new[] { typeof(GemmCase) })]
public class GemmProperties
{
    [Property]
    public void Every_form_equals_the_triple_loop_at_every_vector_width(GemmCase g)
    {
        var rng = new Rng(g.Seed);
        var a = TestData.Uniform(rng, -1, 1, g.M * g.K).Span.ToArray();
        var b = TestData.Uniform(rng, -1, 1, g.K * g.N).Span.ToArray();
        var initial = TestData.Uniform(rng, -1, 1, g.M * g.N).Span.ToArray();
        var at = Transpose(a, g.M, g.K);
        var bt = Transpose(b, g.K, g.N);
        var expected = new float[g.M * g.N];
        for (int i = 0; i < g.M; i++)
            for (int j = 0; j < g.N; j++)
            {
                double s = g.Accumulate ? initial[(i * g.N) + j] : 0;
                for (int p = 0; p < g.K; p++)
                    s += (double)a[(i * g.K) + p] * b[(p * g.N) + j];
                expected[(i * g.N) + j] = (float)s;
            }
        double tolerance = 1e-5 * Math.Sqrt(g.K);
        foreach (int width in ForcedWidth.All)
            ForcedWidth.Run(width, () =>
            {
                var c = (float[])initial.Clone();
                Gemm.Multiply(a, b, c, g.M, g.K, g.N, g.Accumulate);
                TestData.AssertClose(expected, c, tolerance, tolerance, $"{g} width {width}: A*B");
                c = (float[])initial.Clone();
                Gemm.MultiplyTransposedB(a, bt, c, g.M, g.K, g.N, g.Accumulate);
                TestData.AssertClose(expected, c, tolerance, tolerance, $"{g} width {width}: A*(B^T)^T");
                c = (float[])initial.Clone();
                Gemm.MultiplyTransposedA(at, b, c, g.M, g.K, g.N, g.Accumulate);
                TestData.AssertClose(expected, c, tolerance, tolerance, $"{g} width {width}: (A^T)^T*B");
            });
    }

    private static float[] Transpose(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                t[(j * rows) + i] = x[(i * cols) + j];
        return t;
    }
}
