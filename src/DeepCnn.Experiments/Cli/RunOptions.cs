using DeepCnn.Experiments.Catalog;

namespace DeepCnn.Experiments.Cli;

/// <summary>Everything a run of the experiments needs to know, parsed from the command line.</summary>
internal sealed record RunOptions
{
    public const ulong DefaultSeed = 42;

    public IReadOnlyList<Experiment> Experiments { get; init; } = ExperimentCatalog.Notebook;

    /// <summary>Overrides every experiment's epoch count when set.</summary>
    public int? Epochs { get; init; }

    /// <summary>Caps the training steps per epoch (quick runs).</summary>
    public int? MaxSteps { get; init; }

    public int BatchSize { get; init; } = 10;

    public double ValidationSplit { get; init; } = 0.2;

    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>How many consecutive seeds from <see cref="Seed"/> each experiment runs with.</summary>
    public int Seeds { get; init; } = 1;

    public int Threads { get; init; } = Environment.ProcessorCount;

    public string? DataDirectory { get; init; }

    public string Dataset { get; init; } = "mnist";

    /// <summary><c>test</c> (the notebook: train on the 10,000 test images) or <c>train</c> (the 60,000).</summary>
    public string TrainOn { get; init; } = "test";

    public string OutputDirectory { get; init; } = "results";

    /// <summary>Record per-layer gradient-flow diagnostics while training.</summary>
    public bool Diagnostics { get; init; }

    /// <summary>Steps between diagnostics recordings.</summary>
    public int DiagnosticsEvery { get; init; } = DeepCnn.Diagnostics.GradientFlowRecorder.DefaultEvery;

    /// <summary>Where to save each trained model (with its training state), or null.</summary>
    public string? SaveDirectory { get; init; }

    /// <summary>A checkpoint to continue training from, or null.</summary>
    public string? ResumeFile { get; init; }

    /// <summary>Where to export each trained model as ONNX, or null.</summary>
    public string? OnnxDirectory { get; init; }

    /// <summary>Only probe the gradient flow of one untrained model (the <c>diagnose</c> command).</summary>
    public bool DiagnoseOnly { get; init; }

    /// <summary>Only fetch and verify the data set (the <c>fetch</c> command).</summary>
    public bool FetchOnly { get; init; }

    /// <summary>Uses only the first N images of the chosen split (quick runs and smoke tests).</summary>
    public int? Subset { get; init; }

    /// <summary>True when the run is shorter than the notebook's, so verdicts carry a caveat.</summary>
    public bool IsShortened => Epochs is not null || MaxSteps is not null || Subset is not null;

    public int EpochsFor(Experiment experiment) => Epochs ?? experiment.Epochs;
}
