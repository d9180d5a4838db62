using DeepCnn.Diagnostics;
using DeepCnn.IO;
using DeepCnn.Training;

namespace DeepCnn.Experiments.Reporting;

/// <summary>A run's recorded gradient flow as diagnostics.csv and two SVG figures in its folder.</summary>
internal static class DiagnosticsFiles
{
    public const string Csv = "diagnostics.csv";
    public const string Heatmap = "gradient-heatmap.svg";
    public const string Profiles = "depth-profiles.svg";

    public static void Write(GradientFlowRecorder recorder, Sequential model, string directory)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(model);
        if (recorder.Samples.Count == 0)
            return;
        recorder.WriteCsv(Path.Combine(directory, Csv));
        AtomicFile.WriteAllText(Path.Combine(directory, Heatmap), Plots.GradientHeatmap(recorder, model));
        AtomicFile.WriteAllText(Path.Combine(directory, Profiles), Plots.DepthProfiles(recorder, model));
    }
}
