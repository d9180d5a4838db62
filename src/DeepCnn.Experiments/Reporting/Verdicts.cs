using System.Globalization;
using DeepCnn.Experiments.Catalog;
using DeepCnn.Experiments.Running;

namespace DeepCnn.Experiments.Reporting;

/// <summary>How one run ended, judged from its final epoch.</summary>
internal enum RunOutcome
{
    Learned,
    AtChance,
    InBetween,
    Diverged,
    NoEpochCompleted,
}

/// <summary>A verdict on one claim of the notebook, over every seed that ran it.</summary>
internal sealed record ClaimVerdict(Experiment Experiment, string Verdict, int Matching, int Judged, string Detail);

/// <summary>
/// Decides each claim from the numbers, with thresholds stated in the report:
/// "learns" = final val_accuracy &gt;= 0.90 (0.95 where an experiment says so); "does not learn" = final
/// val_accuracy &lt;= 0.20 and final training loss within 0.05 of ln 10 (the loss of a uniform guess over
/// 10 classes); "diverges" = training stopped on a NaN or infinite loss.
/// </summary>
internal static class Verdicts
{
    public const double LearnsAccuracy = 0.90;
    public const double ChanceAccuracy = 0.20;
    public const double ChanceLossTolerance = 0.05;
    public static readonly double ChanceLoss = Math.Log(10);

    public static string Thresholds =>
        string.Create(CultureInfo.InvariantCulture,
            $"\"learns\" = final val_accuracy >= {LearnsAccuracy:0.00} (0.95 for VIII, as it claims); \"does not learn\" = final val_accuracy <= {ChanceAccuracy:0.00} and final training loss within {ChanceLossTolerance:0.00} of ln 10 = {ChanceLoss:0.0000}; \"diverges\" = training stopped on a NaN or infinite loss; anything else is \"in between\".");

    public static RunOutcome Classify(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Divergence is not null)
            return RunOutcome.Diverged;
        if (run.Final is not { } last || last.ValAccuracy is not double valAccuracy)
            return RunOutcome.NoEpochCompleted;
        if (valAccuracy >= run.Experiment.LearnsAt)
            return RunOutcome.Learned;
        if (valAccuracy <= ChanceAccuracy && Math.Abs(last.Loss - ChanceLoss) <= ChanceLossTolerance)
            return RunOutcome.AtChance;
        return RunOutcome.InBetween;
    }

    public static string Describe(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Learned => "learned",
        RunOutcome.AtChance => "did not learn (chance)",
        RunOutcome.InBetween => "in between",
        RunOutcome.Diverged => "diverged (NaN/Inf loss)",
        _ => "no epoch completed",
    };

    public static ClaimVerdict Judge(Experiment experiment, IReadOnlyList<RunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(runs);
        var judged = runs.Where(r => Classify(r) != RunOutcome.NoEpochCompleted).ToList();
        var expected = experiment.Expected switch
        {
            Outcome.Learns => RunOutcome.Learned,
            Outcome.DoesNotLearn => RunOutcome.AtChance,
            _ => RunOutcome.Diverged,
        };
        int matching = judged.Count(r => Classify(r) == expected);
        string behaviour = Describe(expected);
        string verdict = judged.Count == 0 ? "Not judged (no epoch completed)"
            : matching == judged.Count ? $"Confirmed: {behaviour} in {matching} of {judged.Count} seed(s)"
            : matching == 0 ? $"Not reproduced: {behaviour} in 0 of {judged.Count} seed(s)"
            : $"Partly: {behaviour} in {matching} of {judged.Count} seeds";
        string detail = string.Join("; ", judged.Select(r => $"seed {r.Seed}: {Describe(Classify(r))}" + (r.Final is { } f
            ? string.Create(CultureInfo.InvariantCulture, $" (val_accuracy {f.ValAccuracy:0.0000}, accuracy {f.Accuracy:0.0000}, loss {f.Loss:0.0000})")
            : "")));
        return new ClaimVerdict(experiment, verdict, matching, judged.Count, detail);
    }
}
