using BenchmarkDotNet.Attributes;
using DeepCnn.Parallel;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Benchmarks;

/// <summary>
/// One training step (forward, loss, backward, Adam) of each notebook model at batch 10, and of
/// the residual 800-layer model (VIII), on 1 thread and on all cores: the per-step cost and the
/// thread scaling.
/// </summary>
public class TrainingStepBenchmarks
{
    private Sequential _model = null!;
    private Tensor _x = null!, _y = null!;

    [Params("I", "II", "III", "IV", "VIII")]
    public string Model { get; set; } = "I";

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    /// <summary>1 and every core.</summary>
    public static IEnumerable<int> ThreadCounts() => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    [GlobalSetup]
    public void Setup()
    {
        Compute.ThreadCount = Threads;
        _model = BenchmarkModels.Create(Model);
        (_x, _y) = BenchmarkBatch.Create(3);
    }

    [GlobalCleanup]
    public void Cleanup() => Compute.ThreadCount = Environment.ProcessorCount;

    [Benchmark(Description = "TrainStep, batch 10")]
    public double Step() => _model.TrainStep(_x, _y).Loss;
}
