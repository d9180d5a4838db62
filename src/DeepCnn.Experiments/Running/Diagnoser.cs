using DeepCnn.Diagnostics;
using DeepCnn.Experiments.Cli;
using DeepCnn.Experiments.Reporting;
using DeepCnn.Mnist;
using DeepCnn.Tensors;

namespace DeepCnn.Experiments.Running;

/// <summary>The <c>diagnose</c> command: probe one untrained model on the first real batch and print what the gradient does.</summary>
internal static class Diagnoser
{
    public static int Run(RunOptions options, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        DeepCnn.Parallel.Compute.ThreadCount = options.Threads;
        var experiment = options.Experiments[0];
        var (train, test) = Datasets.Load(options.Dataset, options.DataDirectory, error);
        var data = (options.TrainOn == "test" ? test : train).Slice(0, options.BatchSize);
        var x = Tensor.FromArray(data.ToFloat(), data.Count, 1, data.Rows, data.Cols);
        var y = Tensor.FromArray(data.ToCategorical(), data.Count, 10);
        var model = experiment.Build(options.Seed);
        model.Compile();
        var report = GradientFlow.Probe(model, x, y);
        output.WriteLine($"Experiment {experiment.Label}, seed {options.Seed}, untrained, one batch of {data.Count} {options.Dataset} images (loss {report.Loss:F4}):");
        output.Write(FlowText.Table(report));
        output.WriteLine(FlowText.Verdict(report, model));
        output.WriteLine($"verdict: {FlowText.Word(report.Verdict)}");
        return ExperimentsApp.Success;
    }
}
