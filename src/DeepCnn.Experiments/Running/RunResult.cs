using DeepCnn.Diagnostics;
using DeepCnn.Experiments.Catalog;
using DeepCnn.Training;

namespace DeepCnn.Experiments.Running;

/// <summary>What one training run of one experiment with one seed produced.</summary>
internal sealed record RunResult(
    Experiment Experiment,
    ulong Seed,
    int LayerCount,
    long TotalParameters,
    long TrainableParameters,
    long NonTrainableParameters,
    int EpochsPlanned,
    IReadOnlyList<EpochRecord> History,
    double WallSeconds,
    double MillisecondsPerStep,
    bool Interrupted,
    string? Divergence,
    FlowReport? InitialFlow,
    GradientFlowRecorder? Diagnostics)
{
    /// <summary>The last completed epoch, if any.</summary>
    public EpochRecord? Final => History.Count > 0 ? History[^1] : null;

    /// <summary>True when every planned epoch ran and training did not diverge.</summary>
    public bool Completed => !Interrupted && Divergence is null && History.Count == EpochsPlanned;
}

/// <summary>All runs of one invocation.</summary>
internal sealed record RunSummary(IReadOnlyList<RunResult> Runs, bool Interrupted, double WallSeconds);
