using Xunit;

namespace DeepCnn.Experiments.Tests;

/// <summary>The <c>diagnose</c> command on real MNIST with the default seed.</summary>
public class DiagnoseTests
{
    [Theory]
    [InlineData("2", "vanishing")]
    [InlineData("6", "exploding")]
    [InlineData("8", "healthy")]
    [InlineData("III", "vanishing")]
    public void Diagnose_gives_the_expected_verdict(string experiment, string verdict)
    {
        var run = AppRun.Invoke("diagnose", experiment);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"verdict: {verdict}", lines[^1]);
        Assert.Contains("output std", run.Output, StringComparison.Ordinal);
        Assert.Contains("||dL/d output||", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnose_rejects_an_unknown_experiment_with_exit_code_2()
    {
        var run = AppRun.Invoke("diagnose", "9");
        Assert.Equal(ExperimentsApp.UsageError, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
    }
}
