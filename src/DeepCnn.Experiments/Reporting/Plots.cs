using DeepCnn.Diagnostics;
using DeepCnn.Experiments.Running;
using DeepCnn.Training;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace DeepCnn.Experiments.Reporting;

/// <summary>Training curves as SVG through OxyPlot's managed SVG exporter.</summary>
internal static class Plots
{
    private const double Width = 720, Height = 420;
    private static readonly OxyColor[] Palette =
        [OxyColor.FromRgb(0x1f, 0x77, 0xb4), OxyColor.FromRgb(0xd6, 0x27, 0x28), OxyColor.FromRgb(0x2c, 0xa0, 0x2c), OxyColor.FromRgb(0x94, 0x67, 0xbd), OxyColor.FromRgb(0xff, 0x7f, 0x0e)];

    /// <summary>Loss (left axis) and accuracy (right axis) per epoch, train solid and validation dashed, every seed of one experiment.</summary>
    public static string Experiment(IReadOnlyList<RunResult> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var model = NewModel($"Experiment {runs[0].Experiment.Label}", "loss", "accuracy");
        for (int i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            string suffix = runs.Count > 1 ? $" (seed {r.Seed})" : "";
            var color = Palette[i % Palette.Length];
            model.Series.Add(Line($"loss{suffix}", r, e => e.Loss, "loss", color, LineStyle.Solid, MarkerType.Circle));
            model.Series.Add(Line($"val_loss{suffix}", r, e => e.ValLoss, "loss", color, LineStyle.Dash, MarkerType.Circle));
            var accColor = OxyColor.FromAColor(255, color.ChangeIntensity(0.6));
            model.Series.Add(Line($"accuracy{suffix}", r, e => e.Accuracy, "accuracy", accColor, LineStyle.Solid, MarkerType.Square));
            model.Series.Add(Line($"val_accuracy{suffix}", r, e => e.ValAccuracy, "accuracy", accColor, LineStyle.Dash, MarkerType.Square));
        }
        return Export(model);
    }

    /// <summary>The experiments side by side: validation accuracy (left) and training loss (right), first seed of each.</summary>
    public static string Overlay(IEnumerable<IReadOnlyList<RunResult>> experiments)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        var model = NewModel("All experiments: val_accuracy (solid) and training loss (dashed)", "val_accuracy", "loss");
        int i = 0;
        foreach (var runs in experiments)
        {
            var r = runs[0];
            var color = Palette[i++ % Palette.Length];
            model.Series.Add(Line($"{r.Experiment.Roman} val_accuracy", r, e => e.ValAccuracy, "val_accuracy", color, LineStyle.Solid, MarkerType.Circle));
            model.Series.Add(Line($"{r.Experiment.Roman} loss", r, e => e.Loss, "loss", color, LineStyle.Dash, MarkerType.None));
        }
        return Export(model);
    }

    /// <summary>
    /// log10 of the activation-gradient norm by layer depth (vertical) and recorded step
    /// (horizontal). Exact zeros (an underflowed signal) and non-finite values show in gray.
    /// </summary>
    public static string GradientHeatmap(GradientFlowRecorder recorder, Sequential model)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(model);
        var steps = recorder.RecordedSteps.ToList();
        int layers = model.Layers.Count;
        var data = new double[steps.Count, layers];
        for (int s = 0; s < steps.Count; s++)
        {
            var norms = recorder.Profile(steps[s], DiagnosticsMetrics.OutputGradNorm, layers);
            for (int l = 0; l < layers; l++)
                data[s, l] = norms[l] > 0 && double.IsFinite(norms[l]) ? Math.Log10(norms[l]) : double.NaN;
        }
        var plot = new PlotModel { Title = "log10 ||dL/d output|| by layer and training step", TitleFontSize = 14, Background = OxyColors.White };
        plot.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "training step", AxisTitleDistance = 10 });
        plot.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "layer (0 = input side)", AxisTitleDistance = 10 });
        plot.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Palette = OxyPalettes.Viridis(200), InvalidNumberColor = OxyColors.LightGray, Title = "log10 norm", AxisTitleDistance = 10 });
        plot.Series.Add(new HeatMapSeries
        {
            X0 = steps[0],
            X1 = steps[^1] == steps[0] ? steps[0] + 1 : steps[^1],
            Y0 = 0,
            Y1 = layers - 1,
            Data = data,
            Interpolate = false,
            RenderMethod = HeatMapRenderMethod.Rectangles,
        });
        return Export(plot);
    }

    /// <summary>Activation-gradient norm and activation std against depth, at the first and the last recorded step (log scale; zeros are left out).</summary>
    public static string DepthProfiles(GradientFlowRecorder recorder, Sequential model)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(model);
        var steps = recorder.RecordedSteps.ToList();
        int layers = model.Layers.Count;
        var plot = new PlotModel
        {
            Title = "Gradient norm ||dL/dy|| and activation std by depth",
            Subtitle = "solid: first recorded step, dashed: last; zeros omitted",
            TitleFontSize = 14,
            Background = OxyColors.White,
        };
        plot.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "layer (0 = input side)", AxisTitleDistance = 10 });
        plot.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = "value", MajorGridlineStyle = LineStyle.Dot, AxisTitleDistance = 10 });
        // One row under the plot: it leaves the plot its full width and room for fonts wider than the one OxyPlot measures with.
        plot.Legends.Add(new Legend { LegendPosition = LegendPosition.BottomCenter, LegendPlacement = LegendPlacement.Outside, LegendOrientation = LegendOrientation.Horizontal, LegendFontSize = 10 });
        foreach (var (step, style) in new[] { (steps[0], LineStyle.Solid), (steps[^1], LineStyle.Dash) }.Distinct())
        {
            // Short labels: the legend sits outside the plot and must fit the image in any sans-serif font.
            plot.Series.Add(Profile($"||dL/dy||, step {step}", recorder.Profile(step, DiagnosticsMetrics.OutputGradNorm, layers), Palette[0], style));
            plot.Series.Add(Profile($"std(y), step {step}", recorder.Profile(step, DiagnosticsMetrics.OutputStd, layers), Palette[1], style));
        }
        return Export(plot);
    }

    private static LineSeries Profile(string title, double[] values, OxyColor color, LineStyle style)
    {
        var series = new LineSeries { Title = title, Color = color, LineStyle = style, StrokeThickness = 1.2 };
        for (int i = 0; i < values.Length; i++)
            if (values[i] > 0 && double.IsFinite(values[i]))
                series.Points.Add(new DataPoint(i, values[i]));
        return series;
    }

    private static PlotModel NewModel(string title, string leftKey, string rightKey)
    {
        var model = new PlotModel { Title = title, TitleFontSize = 14, Background = OxyColors.White };
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "epoch", MinimumMajorStep = 1, MinorStep = 1, MajorGridlineStyle = LineStyle.Dot, AxisTitleDistance = 10 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = leftKey, Key = leftKey, Minimum = 0, MajorGridlineStyle = LineStyle.Dot, AxisTitleDistance = 10 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Right, Title = rightKey, Key = rightKey, Minimum = 0, AxisTitleDistance = 10 });
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.RightMiddle, LegendPlacement = LegendPlacement.Outside, LegendFontSize = 10 });
        return model;
    }

    private static LineSeries Line(string title, RunResult run, Func<Training.EpochRecord, double?> value, string axis, OxyColor color, LineStyle style, MarkerType marker)
    {
        var series = new LineSeries { Title = title, YAxisKey = axis, Color = color, LineStyle = style, MarkerType = marker, MarkerSize = 3, MarkerFill = color };
        foreach (var e in run.History)
            if (value(e) is double v && double.IsFinite(v))
                series.Points.Add(new DataPoint(e.Epoch, v));
        return series;
    }

    // The workaround positions text by its measured height instead of SVG's dominant-baseline, which
    // some viewers (librsvg, image converters) ignore, drawing titles above the image and legend rows on top of each other.
    private static string Export(PlotModel model) =>
        new SvgExporter { Width = Width, Height = Height, UseVerticalTextAlignmentWorkaround = true }.ExportToString(model);
}
