using BenchmarkDotNet.Attributes;
using DeepCnn.Kernels;
using DeepCnn.Kernels.Simd;
using DeepCnn.Tensors;

namespace DeepCnn.Benchmarks;

/// <summary>
/// Every convolution shape of the notebook's models at batch 10 and 64, forward, backward-data
/// and backward-weight, on ONE thread (the numbers are per core): naive reference and scalar
/// im2col at batch 10, im2col and direct Vector512 at both batches.
/// </summary>
public class ConvBenchmarks : IFlopCounted
{
    private ConvolutionPlan? _plan;
    private float[] _x = [], _w = [], _b = [], _y = [], _dy = [], _dx = [], _dw = [], _db = [];

    /// <summary>The benchmarked cases.</summary>
    public static IEnumerable<ConvCase> Cases()
    {
        var shapes = new (int Cin, int Cout, int Size, Padding Padding)[]
        {
            (1, 16, 28, Padding.Valid), (16, 16, 26, Padding.Valid), (16, 16, 24, Padding.Valid), (16, 16, 22, Padding.Valid),
            (16, 4, 26, Padding.Same), (4, 4, 26, Padding.Same), (4, 16, 26, Padding.Valid),
        };
        foreach (var s in shapes)
        {
            yield return new ConvCase(s.Cin, s.Cout, s.Size, s.Padding, 10, ConvPath.Reference);
            yield return new ConvCase(s.Cin, s.Cout, s.Size, s.Padding, 10, ConvPath.Im2ColScalar);
            foreach (int batch in new[] { 10, 64 })
            {
                yield return new ConvCase(s.Cin, s.Cout, s.Size, s.Padding, batch, ConvPath.Im2Col);
                yield return new ConvCase(s.Cin, s.Cout, s.Size, s.Padding, batch, ConvPath.Direct);
            }
        }
    }

    [ParamsSource(nameof(Cases))]
    public ConvCase Case { get; set; } = null!;

    /// <inheritdoc/>
    public double FlopsPerInvocation(IReadOnlyDictionary<string, object> parameters) => ((ConvCase)parameters[nameof(Case)]).FlopsPerPass;

    [GlobalSetup]
    public void Setup()
    {
        var g = Case.Geometry;
        int n = Case.Batch;
        var rng = new Rng(1);
        _x = Random(rng, n * g.InChannels * g.InPlane);
        _w = Random(rng, g.OutChannels * g.PatchSize);
        _b = Random(rng, g.OutChannels);
        _dy = Random(rng, n * g.OutChannels * g.OutPlane);
        _y = new float[_dy.Length];
        _dx = new float[_x.Length];
        _dw = new float[_w.Length];
        _db = new float[_b.Length];
        SimdWidth.Override = Case.Path == ConvPath.Im2ColScalar ? 1 : null;
        _plan = Case.Path switch
        {
            ConvPath.Direct => new DirectConvolution(g),
            ConvPath.Im2Col or ConvPath.Im2ColScalar => new Im2ColConvolution(g),
            _ => null,
        };
        _plan?.PrepareBackward(_w);
        Forward(); // y for the ReLU mask of the backward passes
    }

    [GlobalCleanup]
    public void Cleanup() => SimdWidth.Override = null;

    [Benchmark]
    public void Forward()
    {
        var g = Case.Geometry;
        if (_plan is null)
        {
            Conv2DReference.Forward(_x, _w, _b, _y, Case.Batch, g);
            return;
        }
        int xs = g.InChannels * g.InPlane, ys = g.OutChannels * g.OutPlane;
        for (int i = 0; i < Case.Batch; i++)
            _plan.Forward(_x.AsSpan(i * xs, xs), _w, _b, _y.AsSpan(i * ys, ys), relu: true);
    }

    [Benchmark]
    public void BackwardData()
    {
        var g = Case.Geometry;
        if (_plan is null)
        {
            Conv2DReference.BackwardInput(_dy, _w, _dx, Case.Batch, g);
            return;
        }
        int xs = g.InChannels * g.InPlane, ys = g.OutChannels * g.OutPlane;
        for (int i = 0; i < Case.Batch; i++)
            _plan.Backward(_x.AsSpan(i * xs, xs), _y.AsSpan(i * ys, ys), _dy.AsSpan(i * ys, ys), default, default, _dx.AsSpan(i * xs, xs));
    }

    [Benchmark]
    public void BackwardWeight()
    {
        var g = Case.Geometry;
        if (_plan is null)
        {
            Conv2DReference.BackwardWeights(_x, _dy, _dw, _db, Case.Batch, g);
            return;
        }
        int xs = g.InChannels * g.InPlane, ys = g.OutChannels * g.OutPlane;
        for (int i = 0; i < Case.Batch; i++)
            _plan.Backward(_x.AsSpan(i * xs, xs), _y.AsSpan(i * ys, ys), _dy.AsSpan(i * ys, ys), _dw, _db, default);
    }

    private static float[] Random(Rng rng, int length)
    {
        var a = new float[length];
        for (int i = 0; i < a.Length; i++)
            a[i] = rng.NextUniform(-1, 1);
        return a;
    }
}
