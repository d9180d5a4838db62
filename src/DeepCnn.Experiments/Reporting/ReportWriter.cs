using System.Globalization;
using System.Text.Json;
using DeepCnn.Experiments.Cli;
using DeepCnn.Experiments.Running;
using DeepCnn.IO;
using DeepCnn.Mnist;
using DeepCnn.Mnist.Rendering;
using DeepCnn.Training;

namespace DeepCnn.Experiments.Reporting;

/// <summary>Writes summary.json, the plots, report.md and report.html into the results folder, atomically.</summary>
internal sealed class ReportWriter
{
    private const int NotebookDigitIndex = 2;
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly RunOptions _options;
    private readonly string _out;
    private readonly string _digitSvg;

    public ReportWriter(RunOptions options, ImageSet testSet)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(testSet);
        _options = options;
        _out = options.OutputDirectory;
        Directory.CreateDirectory(Path.Combine(_out, "plots"));
        // The notebook shows test_images[2] with plt.matshow and prints its label.
        var digit = DigitRenderer.Render(testSet, NotebookDigitIndex, scale: 8);
        ImageFile.Save(digit, Path.Combine(_out, "digit.png"));
        ImageFile.Save(digit, Path.Combine(_out, "digit.svg"));
        _digitSvg = File.ReadAllText(Path.Combine(_out, "digit.svg"));
        DigitLabel = testSet.Labels[NotebookDigitIndex];
    }

    public int DigitLabel { get; }

    public void Write(RunSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        // By slug: a variant (experiment 8's standard init) shares its number but is judged apart.
        var byExperiment = summary.Runs.GroupBy(r => r.Experiment.Slug).OrderBy(g => g.First().Experiment.Id).Select(g => (IReadOnlyList<RunResult>)g.ToList()).ToList();
        var verdicts = byExperiment.Select(runs => Verdicts.Judge(runs[0].Experiment, runs)).ToList();
        AtomicFile.WriteAllText(Path.Combine(_out, "summary.json"), JsonSerializer.Serialize(SummaryJson(summary, verdicts), Json));

        var plots = new List<(string File, string Svg, string Caption)>();
        foreach (var runs in byExperiment.Where(r => r.Any(run => run.History.Count > 0)))
        {
            string file = $"plots/{runs[0].Experiment.Slug}.svg";
            plots.Add((file, Plots.Experiment(runs), $"Experiment {runs[0].Experiment.Label}: loss and accuracy per epoch (train solid, validation dashed)"));
        }
        var withHistory = byExperiment.Where(r => r[0].History.Count > 0).ToList();
        if (withHistory.Count > 1)
            plots.Add(("plots/overlay.svg", Plots.Overlay(withHistory), "All experiments: validation accuracy and training loss per epoch"));
        foreach (var (file, svg, _) in plots)
            AtomicFile.WriteAllText(Path.Combine(_out, file), svg);

        var doc = BuildReport(summary, byExperiment, verdicts, plots);
        AtomicFile.WriteAllText(Path.Combine(_out, "report.md"), doc.ToMarkdown());
        AtomicFile.WriteAllText(Path.Combine(_out, "report.html"), doc.ToHtml("DeepCnn: how to train a very deep CNN model?"));
    }

    private ReportDocument BuildReport(RunSummary summary, List<IReadOnlyList<RunResult>> byExperiment, List<ClaimVerdict> verdicts,
        List<(string File, string Svg, string Caption)> plots)
    {
        var o = _options;
        var doc = new ReportDocument().H(1, "How to train a very deep CNN model? — a reproduction");
        if (summary.Interrupted)
            doc.P("**INTERRUPTED**: the run was stopped before it finished; the numbers below cover only what completed.");
        doc.P(Inv($"The notebook's four networks, trained as it trains them: Adam with Keras's defaults, categorical cross-entropy, batch size {o.BatchSize}, the last {o.ValidationSplit * 100:0}% of the data held out for validation, on the {(o.TrainOn == "test" ? "10,000 test images of " + o.Dataset + " (the notebook's choice)" : "60,000 training images of " + o.Dataset)}. Seed {o.Seed}{(o.Seeds > 1 ? $" and the next {o.Seeds - 1}" : "")}; {o.Threads} thread(s) on {Environment.ProcessorCount} core(s); .NET {Environment.Version}; DeepCnn {typeof(Sequential).Assembly.GetName().Version}. Total wall time {summary.WallSeconds:0} s."));
        if (o.IsShortened)
            doc.P(Inv($"**Shortened run** ({(o.Epochs is int e ? $"--epochs {e}" : "")}{(o.MaxSteps is int m ? $" --max-steps {m}" : "")}{(o.Subset is int n ? $" --subset {n}" : "")}): the notebook trains longer, so the verdicts below judge a shorter training than the notebook's."));
        doc.Image("digit.svg", $"test_images[{NotebookDigitIndex}] as the notebook shows it; its label is {DigitLabel}", ReportDocument.InlineSvg(_digitSvg));

        doc.H(2, "Runs");
        doc.Grid(["Experiment", "Seed", "Layers", "Params (trainable / non-trainable)", "Epochs", "loss", "accuracy", "val_loss", "val_accuracy", "Wall s", "ms/step", "Outcome"],
            summary.Runs.Select(r => (IReadOnlyList<string>)
            [
                r.Experiment.Roman, r.Seed.ToString(CultureInfo.InvariantCulture), r.LayerCount.ToString(CultureInfo.InvariantCulture),
                Inv($"{r.TotalParameters:N0} ({r.TrainableParameters:N0} / {r.NonTrainableParameters:N0})"),
                Inv($"{r.History.Count}/{r.EpochsPlanned}{(r.Interrupted ? " (interrupted)" : "")}"),
                Num(r.Final?.Loss), Num(r.Final?.Accuracy), Num(r.Final?.ValLoss), Num(r.Final?.ValAccuracy),
                Inv($"{r.WallSeconds:0}"), Inv($"{r.MillisecondsPerStep:0.0}"), Verdicts.Describe(Verdicts.Classify(r)),
            ]));

        doc.H(2, "Verdicts");
        doc.P("Thresholds: " + Verdicts.Thresholds + " A claim is judged over every seed that ran: with several seeds the verdict counts how many agree, because whether a deep plain network escapes the plateau is a matter of chance. Claims I-IV are the notebook's summary in its own words; V-VIII are this project's extensions.");
        doc.Grid(["Claim", "Source", "Experiment", "Verdict", "Per seed"],
            verdicts.Select(v => (IReadOnlyList<string>)[v.Experiment.Claim, v.Experiment.FromNotebook ? "notebook" : "extension", v.Experiment.Roman, v.Verdict, v.Detail]));
        var disagreements = verdicts.Where(v => v.Judged > 0 && v.Matching < v.Judged).ToList();
        doc.P(disagreements.Count == 0
            ? "Every judged claim held in every seed that ran."
            : "Where this run disagrees with the claim: " + string.Join(" ", disagreements.Select(v => Inv($"{v.Experiment.Roman} (\"{v.Experiment.Claim}\") held in {v.Matching} of {v.Judged} seed(s)."))));

        doc.H(2, "Why: gradient flow");
        doc.P(Inv($"Before training, one forward and backward pass of each untrained model (the run's seed, the first batch of {o.BatchSize}) measures the gradient that reaches each layer's output. The ratio r = ||dL/d output|| at the first conv layer / at the last conv layer says whether the signal vanishes (r < {DeepCnn.Diagnostics.GradientFlow.VanishingBelow}), explodes (r > {DeepCnn.Diagnostics.GradientFlow.ExplodingAbove}) or flows (in between)."));
        doc.Grid(["Experiment", "Seed", "r at initialization", "Verdict", "Outcome of training"],
            summary.Runs.Where(r => r.InitialFlow is not null).Select(r => (IReadOnlyList<string>)
            [
                r.Experiment.Roman, r.Seed.ToString(CultureInfo.InvariantCulture), FlowText.Ratio(r.InitialFlow!), FlowText.Word(r.InitialFlow!.Verdict), Verdicts.Describe(Verdicts.Classify(r)),
            ]));
        doc.List(byExperiment.Where(runs => runs[0].InitialFlow is not null).Select(runs => FlowText.Explanation(runs[0].InitialFlow!, $"{runs[0].Experiment.Roman} ({runs[0].Experiment.Title})")));
        foreach (var run in summary.Runs.Where(r => r.Diagnostics is { Samples.Count: > 0 }))
        {
            string dir = $"{run.Experiment.Slug}/seed-{run.Seed}";
            foreach (var (file, caption) in new[] { (DiagnosticsFiles.Heatmap, "log10 gradient norm by layer and step"), (DiagnosticsFiles.Profiles, "gradient norm and activation std by depth, first and last recorded step") })
            {
                string path = Path.Combine(_out, dir, file);
                if (File.Exists(path))
                    doc.Image($"{dir}/{file}", $"{run.Experiment.Roman}, seed {run.Seed}: {caption}", ReportDocument.InlineSvg(File.ReadAllText(path)));
            }
        }

        doc.H(2, "Training versus validation");
        doc.P("Validation runs in inference mode: BatchNormalization uses its moving statistics and Dropout is off. A large gap between training and validation accuracy is therefore a finding in itself (for IV it shows how differently the network behaves in the two modes), not noise to hide.");
        doc.Grid(["Experiment", "Seed", "accuracy (train, running mean)", "val_accuracy", "Gap"],
            summary.Runs.Where(r => r.Final?.ValAccuracy is not null).Select(r => (IReadOnlyList<string>)
            [
                r.Experiment.Roman, r.Seed.ToString(CultureInfo.InvariantCulture), Num(r.Final!.Accuracy), Num(r.Final.ValAccuracy),
                Inv($"{r.Final.Accuracy - r.Final.ValAccuracy!.Value:+0.0000;-0.0000}"),
            ]));

        doc.H(2, "Training curves");
        foreach (var (file, svg, caption) in plots)
            doc.Image(file, caption, ReportDocument.InlineSvg(svg));
        doc.P("Per-epoch numbers: `<experiment>/seed-<seed>/history.csv`; model summaries: `<experiment>/summary.txt`; everything in machine-readable form: `summary.json`.");
        return doc;
    }

    private object SummaryJson(RunSummary summary, List<ClaimVerdict> verdicts) => new
    {
        DeepcnnVersion = typeof(Sequential).Assembly.GetName().Version?.ToString(),
        Machine = new { Cores = Environment.ProcessorCount, Dotnet = Environment.Version.ToString(), Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
        Threads = _options.Threads,
        Seed = _options.Seed,
        Seeds = _options.Seeds,
        Dataset = _options.Dataset,
        TrainOn = _options.TrainOn,
        BatchSize = _options.BatchSize,
        ValidationSplit = _options.ValidationSplit,
        Shortened = _options.IsShortened,
        Subset = _options.Subset,
        Interrupted = summary.Interrupted,
        WallSeconds = summary.WallSeconds,
        Runs = summary.Runs.Select(r => new
        {
            Id = r.Experiment.Id,
            Name = r.Experiment.Roman,
            Slug = r.Experiment.Slug,
            Title = r.Experiment.Title,
            Seed = r.Seed,
            Layers = r.LayerCount,
            Params = new { Total = r.TotalParameters, Trainable = r.TrainableParameters, NonTrainable = r.NonTrainableParameters },
            Epochs = r.EpochsPlanned,
            EpochsCompleted = r.History.Count,
            Final = r.Final is { } f ? new { f.Loss, f.Accuracy, f.ValLoss, f.ValAccuracy } : null,
            WallSeconds = r.WallSeconds,
            MsPerStep = r.MillisecondsPerStep,
            Interrupted = r.Interrupted,
            Diverged = r.Divergence,
            Outcome = Verdicts.Describe(Verdicts.Classify(r)),
            GradientFlowAtInit = r.InitialFlow is { } flow ? new { Ratio = flow.Ratio, Verdict = FlowText.Word(flow.Verdict) } : null,
        }),
        Verdicts = verdicts.Select(v => new
        {
            Id = v.Experiment.Id,
            Claim = v.Experiment.Claim,
            Source = v.Experiment.FromNotebook ? "notebook" : "extension",
            Expected = v.Experiment.Expected.ToString(),
            v.Verdict,
            MatchingSeeds = v.Matching,
            JudgedSeeds = v.Judged,
        }),
    };

    private static string Num(double? value) => value is double v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "—";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
