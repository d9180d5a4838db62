using System.Diagnostics;
using DeepCnn.Diagnostics;
using DeepCnn.Experiments.Catalog;
using DeepCnn.Experiments.Cli;
using DeepCnn.Experiments.Reporting;
using DeepCnn.IO;
using DeepCnn.Mnist;
using DeepCnn.Onnx;
using DeepCnn.Serialization;
using DeepCnn.Tensors;
using DeepCnn.Training;

namespace DeepCnn.Experiments.Running;

/// <summary>
/// Runs the chosen experiments as the notebook does (Adam defaults, categorical cross-entropy,
/// batch 10, the last 20% held out for validation), prints Keras-like output, and writes the
/// results folder after every run so an interrupted invocation still leaves a report.
/// </summary>
internal sealed class ExperimentRunner(RunOptions options, TextWriter output, TextWriter error)
{
    public RunSummary Run(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        DeepCnn.Parallel.Compute.ThreadCount = options.Threads;
        Directory.CreateDirectory(options.OutputDirectory);
        var (train, test) = Datasets.Load(options.Dataset, options.DataDirectory, error);
        var data = options.TrainOn == "test" ? test : train;
        if (options.Subset is int subset)
            data = data.Slice(0, Math.Min(subset, data.Count));
        var x = Tensor.FromArray(data.ToFloat(), data.Count, 1, data.Rows, data.Cols);
        var y = Tensor.FromArray(data.ToCategorical(), data.Count, 10);
        output.WriteLine($"Training on the {data.Count:N0} {options.Dataset} {options.TrainOn} images" +
            (options.TrainOn == "test" && options.Subset is null ? " (as the notebook does)" : "") +
            $"; validation = the last {options.ValidationSplit * 100:0}%; batch size {options.BatchSize}; seed {options.Seed}" +
            (options.Seeds > 1 ? $" (+{options.Seeds - 1} more)" : "") + $"; {options.Threads} thread(s).");

        var report = new ReportWriter(options, test);
        var runs = new List<RunResult>();
        bool interrupted = false;
        foreach (var experiment in options.Experiments)
        {
            for (int s = 0; s < options.Seeds && !interrupted; s++)
            {
                var result = RunOne(experiment, options.Seed + (ulong)s, x, y, cancellationToken);
                runs.Add(result);
                interrupted = result.Interrupted;
                report.Write(new RunSummary(runs, interrupted, clock.Elapsed.TotalSeconds));
            }
            if (interrupted)
                break;
        }
        var summary = new RunSummary(runs, interrupted, clock.Elapsed.TotalSeconds);
        report.Write(summary);
        output.WriteLine();
        output.WriteLine($"Results written to {Path.GetFullPath(options.OutputDirectory)} (report.md, report.html, summary.json){(interrupted ? " — INTERRUPTED, partial results" : "")}.");
        return summary;
    }

    private RunResult RunOne(Experiment experiment, ulong seed, Tensor x, Tensor y, CancellationToken cancellationToken)
    {
        var (model, epochsDone) = options.ResumeFile is string checkpoint
            ? Resume(checkpoint, experiment, x.Dim(0))
            : (experiment.Build(seed), 0);
        seed = model.Seed;
        if (model.Optimizer is null)
            model.Compile();
        GradientFlowRecorder? recorder = options.Diagnostics ? new GradientFlowRecorder(options.DiagnosticsEvery) : null;
        model.Observer = recorder;
        string experimentDir = Path.Combine(options.OutputDirectory, experiment.Slug);
        string runDir = Path.Combine(experimentDir, $"seed-{seed}");
        Directory.CreateDirectory(runDir);
        string summaryText = model.Summary();
        AtomicFile.WriteAllText(Path.Combine(experimentDir, "summary.txt"), summaryText);

        output.WriteLine();
        output.WriteLine($"=== Experiment {experiment.Label} — seed {seed} ===");
        output.WriteLine($"Claim: \"{experiment.Claim}\"");
        output.Write(summaryText);
        // The gradient flow at initialization, on an identical copy so the run itself is untouched
        // (a training-mode pass would move BatchNorm's moving statistics and Dropout's generator).
        var initialFlow = ProbeInitialFlow(experiment, seed, x, y);
        int epochs = options.EpochsFor(experiment);
        var timer = new StepTimer();
        var csv = new HistoryCsv(Path.Combine(runDir, "history.csv"));
        bool interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var callbacks = new ITrainingCallback[] { timer, csv, new KerasProgressBar(output, interactive) };
        var clock = Stopwatch.StartNew();
        History? history = null;
        string? divergence = null;
        try
        {
            if (epochsDone < epochs)
                history = model.Fit(x, y, epochs, options.BatchSize, options.ValidationSplit, shuffle: true, callbacks,
                    options.MaxSteps, epochsDone, cancellationToken);
            else
                output.WriteLine($"The checkpoint has already trained {epochsDone} of {epochs} epochs: nothing left to do.");
        }
        catch (TrainingDivergedException e)
        {
            divergence = e.Message;
            output.WriteLine();
            output.WriteLine(e.Message);
        }
        var records = history?.Epochs ?? csv.Records;
        if (recorder is not null)
            DiagnosticsFiles.Write(recorder, model, runDir);
        bool interrupted = history?.Interrupted ?? cancellationToken.IsCancellationRequested;
        SaveOutputs(model, experiment, seed, runDir, interrupted);
        return new RunResult(experiment, seed, model.Layers.Count, model.TotalParameters, model.TrainableParameters,
            model.NonTrainableParameters, epochs, records, clock.Elapsed.TotalSeconds, timer.MillisecondsPerStep,
            interrupted, divergence, initialFlow, recorder);
    }

    // A checkpoint continues where it stopped: whole epochs done are skipped; an epoch cut short
    // by Ctrl+C runs again from its start with the weights the checkpoint holds.
    private (Sequential Model, int EpochsDone) Resume(string path, Experiment experiment, int samples)
    {
        var model = Sequential.Load(path);
        var fresh = experiment.Build(model.Seed);
        if (fresh.TotalParameters != model.TotalParameters || fresh.Layers.Count != model.Layers.Count)
            throw new ModelFormatException(path, $"it holds a model of {model.Layers.Count} layers and {model.TotalParameters:N0} parameters, not experiment {experiment.Label} ({fresh.Layers.Count} layers, {fresh.TotalParameters:N0} parameters)");
        int train = (int)Math.Floor(samples * (1 - options.ValidationSplit));
        int stepsPerEpoch = (train + options.BatchSize - 1) / options.BatchSize;
        if (options.MaxSteps is int cap)
            stepsPerEpoch = Math.Min(stepsPerEpoch, cap);
        int done = (int)(model.TrainSteps / stepsPerEpoch);
        output.WriteLine($"Resuming {path}: {model.TrainSteps} steps trained, so {done} whole epoch(s) done.");
        return (model, done);
    }

    private void SaveOutputs(Sequential model, Experiment experiment, ulong seed, string runDir, bool interrupted)
    {
        string name = $"{experiment.Slug}-seed-{seed}";
        if (interrupted)
        {
            string checkpoint = Path.Combine(runDir, "checkpoint.deepcnn");
            model.Save(checkpoint);
            output.WriteLine($"Checkpoint saved: continue with `--resume {checkpoint} {experiment.Id}` (and the same options).");
        }
        if (options.SaveDirectory is string saveDir)
        {
            Directory.CreateDirectory(saveDir);
            model.Save(Path.Combine(saveDir, name + ".deepcnn"));
        }
        if (options.OnnxDirectory is string onnxDir)
        {
            Directory.CreateDirectory(onnxDir);
            model.ExportOnnx(Path.Combine(onnxDir, name + ".onnx"));
        }
    }

    private FlowReport ProbeInitialFlow(Experiment experiment, ulong seed, Tensor x, Tensor y)
    {
        var copy = experiment.Build(seed);
        copy.Compile();
        int n = Math.Min(options.BatchSize, x.Dim(0));
        var report = GradientFlow.Probe(copy, x.SliceBatch(0, n), y.SliceBatch(0, n));
        output.WriteLine(FlowText.Verdict(report, copy));
        return report;
    }
}
