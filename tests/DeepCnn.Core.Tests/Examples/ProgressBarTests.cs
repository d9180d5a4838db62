using System.Text.RegularExpressions;
using DeepCnn.Training;
using Xunit;

namespace DeepCnn.Core.Tests.Examples;

public partial class ProgressBarTests
{
    [Theory]
    [InlineData(800, 800, "800/800 [==============================]")]
    [InlineData(400, 800, "400/800 [==============>...............]")]
    [InlineData(1, 800, "  1/800 [..............................]")]
    [InlineData(27, 800, " 27/800 [>.............................]")]
    public void Counter_draws_kerass_bar(int current, int target, string expected) =>
        Assert.Equal(expected, KerasProgressBar.Counter(current, target));

    [Fact]
    public void Metrics_use_four_decimals_or_exponent_form_for_tiny_values()
    {
        Assert.Equal(" - loss: 0.6914", KerasProgressBar.Metric("loss", 0.69137));
        Assert.Equal(" - loss: 1.2346e-04", KerasProgressBar.Metric("loss", 0.000123456));
    }

    [Fact]
    public void Redirected_output_has_one_final_line_per_epoch()
    {
        var writer = new StringWriter();
        var bar = new KerasProgressBar(writer, interactive: false);
        bar.OnEpochBegin(1, 4, 800);
        for (int s = 1; s <= 800; s++)
            bar.OnBatchEnd(new BatchProgress(1, 4, s, 800, 0.5, 0.75, 0.5));
        bar.OnEpochEnd(new EpochRecord(1, 0.6914, 0.7836, 0.2995, 0.9105, 5, 800), 4);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Epoch 1/4", lines[0]);
        Assert.Matches(FinalLine(), lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [GeneratedRegex(@"^800/800 \[={30}\] - \d+s \d+(us|ms|s)/step - loss: 0\.6914 - accuracy: 0\.7836 - val_loss: 0\.2995 - val_accuracy: 0\.9105$")]
    private static partial Regex FinalLine();
}
