using BenchmarkDotNet.Attributes;
using DeepCnn.Models;
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
        _model = Model switch
        {
            "I" => NotebookModels.ModelI(),
            "II" => NotebookModels.ModelII(),
            "III" => NotebookModels.ModelIII(),
            "IV" => NotebookModels.ModelIV(),
            _ => NotebookModels.ResidualII(),
        };
        _model.Compile();
        var rng = new Rng(3);
        _x = new Tensor(10, 1, 28, 28);
        for (int i = 0; i < _x.Length; i++)
            _x[i] = rng.NextUniform(0, 1);
        _y = new Tensor(10, 10);
        for (int i = 0; i < 10; i++)
            _y[i, rng.NextInt(10)] = 1f;
    }

    [GlobalCleanup]
    public void Cleanup() => Compute.ThreadCount = Environment.ProcessorCount;

    [Benchmark(Description = "TrainStep, batch 10")]
    public double Step() => _model.TrainStep(_x, _y).Loss;
}
