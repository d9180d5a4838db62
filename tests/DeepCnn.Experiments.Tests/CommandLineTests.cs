using Xunit;

namespace DeepCnn.Experiments.Tests;

public class CommandLineTests
{
    [Fact]
    public void Help_lists_the_options_and_exits_zero()
    {
        var run = AppRun.Invoke("--help");
        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--epochs", "--max-steps", "--batch-size", "--seed", "--seeds", "--threads", "--data-dir", "--dataset", "--train-on", "--out" })
            Assert.Contains(option, run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--epochs", "many")]
    [InlineData("--batch-size", "-3")]
    [InlineData("--seeds", "0")]
    [InlineData("--dataset", "cifar")]
    [InlineData("--train-on", "validation")]
    [InlineData("9")]
    [InlineData("--residual-init", "zero")]
    [InlineData("--diagnostics-every", "0")]
    [InlineData("--no-such-flag")]
    public void A_bad_value_gives_a_one_line_error_the_usage_and_exit_code_2(params string[] args)
    {
        var run = AppRun.Invoke(args);
        Assert.Equal(ExperimentsApp.UsageError, run.ExitCode);
        var lines = run.Error.Split('\n');
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("Usage:", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Roman_numerals_and_numbers_choose_the_same_experiments()
    {
        var cli = new Cli.CommandLine();
        var (a, _, _) = cli.Parse(["I", "IV"]);
        var (b, _, _) = cli.Parse(["1", "4"]);
        Assert.Equal(a!.Experiments.Select(e => e.Id), b!.Experiments.Select(e => e.Id));
        Assert.Equal([1, 4], a.Experiments.Select(e => e.Id));
        var (none, _, _) = cli.Parse([]);
        Assert.Equal([1, 2, 3, 4], none!.Experiments.Select(e => e.Id));
        var (all, _, _) = cli.Parse(["all"]);
        Assert.Equal([1, 2, 3, 4], all!.Experiments.Select(e => e.Id));
        var (extended, _, _) = cli.Parse(["extended"]);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], extended!.Experiments.Select(e => e.Id));
        var (both, _, _) = cli.Parse(["8", "--residual-init", "both"]);
        Assert.Equal(["8-residual-800", "8-residual-800-standard-init"], both!.Experiments.Select(e => e.Slug));
        Assert.Equal(0, both.Experiments[1].Build(1).Layers.OfType<DeepCnn.Layers.Residual>()
            .Count(r => r.Sublayers.OfType<DeepCnn.Layers.BatchNormalization>().Last().Gamma.Value.Span.IndexOf(0f) >= 0));
        Assert.NotEqual(both.Experiments[0].Claim, both.Experiments[1].Claim);
        var (standard, _, _) = cli.Parse(["8", "--residual-init", "standard"]);
        Assert.Equal(["8-residual-800-standard-init"], standard!.Experiments.Select(e => e.Slug));
        var (diagnoseStandard, _, _) = cli.Parse(["diagnose", "8", "--residual-init", "standard"]);
        Assert.Equal(["8-residual-800-standard-init"], diagnoseStandard!.Experiments.Select(e => e.Slug));
        var (diag, _, _) = cli.Parse(["--diagnostics-every", "5", "1"]);
        Assert.True(diag!.Diagnostics);
        Assert.Equal(5, diag.DiagnosticsEvery);
    }

    [Fact]
    public void An_unreadable_data_directory_gives_the_data_layers_message_and_exit_code_1()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "nowhere");
        File.WriteAllText(missing, "a file, not a directory");
        var run = AppRun.Invoke("1", "--data-dir", missing, "--out", Path.Combine(dir.Path, "out"));
        Assert.Equal(ExperimentsApp.DataError, run.ExitCode);
        Assert.StartsWith("error: ", run.Error.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
        Assert.Contains("nowhere", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_directory_with_a_corrupt_file_gives_exit_code_1_naming_the_file()
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.WriteAllBytes(Path.Combine(dir.Path, name), [1, 2, 3, 4, 5]);
        var run = AppRun.Invoke("1", "--data-dir", dir.Path, "--out", Path.Combine(dir.Path, "out"));
        Assert.Equal(ExperimentsApp.DataError, run.ExitCode);
        Assert.Contains("-ubyte", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fetch_verifies_the_data_set_and_reports_its_size()
    {
        var run = AppRun.Invoke("fetch");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("60,000 training and 10,000 test images of 28x28", run.Output, StringComparison.Ordinal);
    }
}
