using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using DeepCnn.Experiments.Catalog;
using Xunit;

namespace DeepCnn.Experiments.Tests;

/// <summary>
/// Short runs on real MNIST (fetched once into the cache through the data layer) through the
/// same code path as the command line.
/// </summary>
public class ExperimentRunTests
{
    [Theory]
    [InlineData(1, 33_178L, 0L, 9)]
    [InlineData(2, 156_906L, 0L, 807)]
    [InlineData(3, 43_242L, 0L, 39)]
    [InlineData(4, 43_546L, 152L, 71)]
    [InlineData(5, 43_242L, 0L, 39)]
    [InlineData(6, 43_546L, 152L, 55)]
    [InlineData(8, 169_854L, 6_400L, 408)]
    public void Each_experiment_builds_the_exact_model_and_trains_a_few_steps(int id, long total, long nonTrainable, int layers)
    {
        var experiment = ExperimentCatalog.All.Single(e => e.Id == id);
        var model = experiment.Build(7);
        Assert.Equal(total, model.TotalParameters);
        Assert.Equal(nonTrainable, model.NonTrainableParameters);
        Assert.Equal(layers, model.Layers.Count);

        using var dir = new TempDirectory();
        var run = AppRun.Invoke(id.ToString(CultureInfo.InvariantCulture), "--subset", "50", "--epochs", "1", "--max-steps", "2", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains($"Total params: {total:N0}", run.Output, StringComparison.Ordinal);
        Assert.Contains("2/2 [==============================]", run.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var r = json.RootElement.GetProperty("runs")[0];
        Assert.Equal(id, r.GetProperty("id").GetInt32());
        Assert.Equal(total, r.GetProperty("params").GetProperty("total").GetInt64());
        Assert.Equal(1, r.GetProperty("epochs_completed").GetInt32());
    }

    [Fact]
    public void The_exploding_model_stops_with_the_divergence_error_and_its_diagnostics_show_the_blow_up()
    {
        var model = ExperimentCatalog.All.Single(e => e.Id == 7).Build(7);
        Assert.Equal(53_306L, model.TotalParameters);
        Assert.Equal(107, model.Layers.Count);

        using var dir = new TempDirectory();
        var run = AppRun.Invoke("7", "--subset", "50", "--epochs", "1", "--max-steps", "2", "--diagnostics-every", "1", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("Training diverged: the loss became", run.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var r = json.RootElement.GetProperty("runs")[0];
        Assert.Equal(0, r.GetProperty("epochs_completed").GetInt32());
        Assert.Contains("diverged", r.GetProperty("diverged").GetString(), StringComparison.Ordinal);
        Assert.Equal("diverged (NaN/Inf loss)", r.GetProperty("outcome").GetString());
        Assert.StartsWith("Confirmed", json.RootElement.GetProperty("verdicts")[0].GetProperty("verdict").GetString(), StringComparison.Ordinal);

        // Step 0 was recorded before the loss turned out NaN: activations grow layer by layer until they overflow.
        var rows = File.ReadAllLines(Path.Combine(dir.Path, "7-exploding", "seed-42", "diagnostics.csv")).Skip(1)
            .Select(l => l.Split(',')).Where(c => c[0] == "0" && c[3] == "output_std").ToDictionary(c => int.Parse(c[1], CultureInfo.InvariantCulture), c => double.Parse(c[4], CultureInfo.InvariantCulture));
        Assert.True(rows[10] > 100 * rows[1], $"std at layer 10: {rows[10]}, at layer 1: {rows[1]}");
        Assert.True(rows.Values.Any(v => !double.IsFinite(v) || v > 1e30), "no overflow recorded");
        Assert.True(File.Exists(Path.Combine(dir.Path, "7-exploding", "seed-42", "gradient-heatmap.svg")));
    }

    [Fact]
    public void A_short_run_writes_every_output_file_in_a_parseable_form()
    {
        using var dir = new TempDirectory();
        var run = AppRun.Invoke("1", "3", "--subset", "200", "--epochs", "2", "--max-steps", "5", "--seeds", "2", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("Epoch 2/2", run.Output, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("runs").GetArrayLength()); // two experiments x two seeds
        Assert.Equal([42UL, 43UL, 42UL, 43UL], root.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("seed").GetUInt64()));
        Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() >= 1);
        Assert.False(root.GetProperty("interrupted").GetBoolean());
        Assert.Equal(2, root.GetProperty("verdicts").GetArrayLength());

        foreach (var (slug, seed) in new[] { ("1-four-conv", 42), ("1-four-conv", 43), ("3-32-conv", 42), ("3-32-conv", 43) })
        {
            var lines = File.ReadAllLines(Path.Combine(dir.Path, slug, $"seed-{seed}", "history.csv"));
            Assert.Equal("epoch,loss,accuracy,val_loss,val_accuracy,seconds", lines[0]);
            Assert.Equal(3, lines.Length);
            var cells = lines[2].Split(',');
            Assert.Equal("2", cells[0]);
            Assert.All(cells.Skip(1), c => double.Parse(c, CultureInfo.InvariantCulture));
            Assert.Contains("Total params", File.ReadAllText(Path.Combine(dir.Path, slug, "summary.txt")), StringComparison.Ordinal);
        }

        foreach (var svg in new[] { "plots/1-four-conv.svg", "plots/3-32-conv.svg", "plots/overlay.svg", "digit.svg" })
            Assert.Equal("svg", XDocument.Load(Path.Combine(dir.Path, svg)).Root!.Name.LocalName);
        var png = File.ReadAllBytes(Path.Combine(dir.Path, "digit.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        string md = File.ReadAllText(Path.Combine(dir.Path, "report.md"));
        Assert.Contains("A model with 4 CNN layers does reasonably well", md, StringComparison.Ordinal);
        Assert.Contains("Why: gradient flow", md, StringComparison.Ordinal);
        Assert.Contains("vanish", md, StringComparison.Ordinal);
        Assert.Contains("its label is 1", md, StringComparison.Ordinal);
        Assert.Contains("Shortened run", md, StringComparison.Ordinal);
        string html = File.ReadAllText(Path.Combine(dir.Path, "report.html"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal); // self-contained: nothing fetched
        Assert.DoesNotContain("href=\"http", html, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Experiment_I_on_real_mnist_learns_well_above_chance_in_a_few_hundred_steps()
    {
        using var dir = new TempDirectory();
        var run = AppRun.Invoke("1", "--epochs", "1", "--max-steps", "300", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        double valAccuracy = json.RootElement.GetProperty("runs")[0].GetProperty("final").GetProperty("val_accuracy").GetDouble();
        Assert.True(valAccuracy > 0.7, $"val_accuracy after 300 steps: {valAccuracy}");
    }
}
