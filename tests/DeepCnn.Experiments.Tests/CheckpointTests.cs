using System.Text.Json;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Experiments.Tests;

/// <summary>--save, --export-onnx, --resume and the checkpoint an interrupted run leaves.</summary>
public class CheckpointTests
{
    private static readonly string[] Quick = ["--subset", "100", "--max-steps", "3"];

    [Fact]
    public void Save_and_export_onnx_write_each_trained_model()
    {
        using var dir = new TempDirectory();
        string models = Path.Combine(dir.Path, "models"), onnx = Path.Combine(dir.Path, "onnx");
        var run = AppRun.Invoke(["1", "--epochs", "1", .. Quick, "--out", dir.Path, "--save", models, "--export-onnx", onnx]);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        var model = Sequential.Load(Path.Combine(models, "1-four-conv-seed-42.deepcnn"));
        Assert.Equal(33_178, model.TotalParameters);
        Assert.Equal(3, model.TrainSteps);
        Assert.True(new FileInfo(Path.Combine(onnx, "1-four-conv-seed-42.onnx")).Length > 33_178 * 4);
    }

    [Fact]
    public void Resume_continues_a_saved_model_from_the_next_epoch()
    {
        using var dir = new TempDirectory();
        string models = Path.Combine(dir.Path, "models");
        var first = AppRun.Invoke(["1", "--epochs", "1", .. Quick, "--out", Path.Combine(dir.Path, "a"), "--save", models]);
        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        string saved = Path.Combine(models, "1-four-conv-seed-42.deepcnn");
        var second = AppRun.Invoke(["1", "--epochs", "2", .. Quick, "--out", Path.Combine(dir.Path, "b"), "--resume", saved]);
        Assert.True(second.ExitCode == 0, second.Error + second.Output);
        Assert.Contains("3 steps trained, so 1 whole epoch(s) done", second.Output, StringComparison.Ordinal);
        Assert.Contains("Epoch 2/2", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Epoch 1/2", second.Output, StringComparison.Ordinal);
        var csv = File.ReadAllLines(Path.Combine(dir.Path, "b", "1-four-conv", "seed-42", "history.csv"));
        Assert.StartsWith("2,", csv[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_with_a_checkpoint_of_another_experiment_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        string models = Path.Combine(dir.Path, "models");
        Assert.Equal(0, AppRun.Invoke(["1", "--epochs", "1", .. Quick, "--out", dir.Path, "--save", models]).ExitCode);
        var run = AppRun.Invoke(["3", .. Quick, "--out", dir.Path, "--resume", Path.Combine(models, "1-four-conv-seed-42.deepcnn")]);
        Assert.Equal(ExperimentsApp.DataError, run.ExitCode);
        Assert.Contains("not experiment III", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_needs_exactly_one_experiment()
    {
        var run = AppRun.Invoke("1", "3", "--resume", "x.deepcnn");
        Assert.Equal(ExperimentsApp.UsageError, run.ExitCode);
        Assert.Contains("exactly one experiment", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_interrupted_run_writes_its_results_marked_interrupted_and_a_checkpoint_it_can_resume_from()
    {
        using var dir = new TempDirectory();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel(); // as if Ctrl+C came before the first step finished
        var run = AppRun.Invoke(cancelled.Token, ["1", "3", .. Quick, "--out", dir.Path]);
        Assert.Equal(ExperimentsApp.Interrupted, run.ExitCode);
        string checkpoint = Path.Combine(dir.Path, "1-four-conv", "seed-42", "checkpoint.deepcnn");
        Assert.True(File.Exists(checkpoint), run.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        Assert.True(json.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.Equal(1, json.RootElement.GetProperty("runs").GetArrayLength()); // III never started
        Assert.Contains("INTERRUPTED", File.ReadAllText(Path.Combine(dir.Path, "report.md")), StringComparison.Ordinal);

        var resumed = AppRun.Invoke(["1", "--epochs", "1", .. Quick, "--out", Path.Combine(dir.Path, "again"), "--resume", checkpoint]);
        Assert.True(resumed.ExitCode == 0, resumed.Error + resumed.Output);
        Assert.Contains("0 steps trained", resumed.Output, StringComparison.Ordinal);
    }
}
