using BenchmarkDotNet.Attributes;
using DeepCnn.Diagnostics;
using DeepCnn.Models;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Benchmarks;

/// <summary>
/// What the gradient-flow recorder costs: 100 training steps of model III with the recorder off and
/// on at its default interval (one recording per 100 steps, as in a real run). The goal is under 10%.
/// </summary>
public class DiagnosticsOverheadBenchmarks
{
    private const int Steps = GradientFlowRecorder.DefaultEvery;
    private Sequential _model = null!;
    private Tensor _x = null!, _y = null!;

    [Params(false, true)]
    public bool Recording { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = NotebookModels.ModelIII();
        _model.Compile();
        (_x, _y) = BenchmarkBatch.Create(5);
    }

    [IterationSetup]
    public void FreshRecorder() => _model.Observer = Recording ? new GradientFlowRecorder() : null;

    [Benchmark(OperationsPerInvoke = Steps, Description = "TrainStep of III, per step over 100 steps")]
    public double HundredSteps()
    {
        double loss = 0;
        for (int i = 0; i < Steps; i++)
            loss += _model.TrainStep(_x, _y).Loss;
        return loss;
    }
}
