using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace DeepCnn.Benchmarks;

/// <summary>
/// The case's GFLOP/s as a fraction of the single-core FMA peak, measured by <see cref="PeakFma"/>
/// in this process when the summary is printed (the per-core peak: the convolution cases run on one thread).
/// </summary>
public sealed class PeakFractionColumn : IColumn
{
    private static readonly Lazy<double> Peak = new(() => PeakFma.MeasureGflops(TimeSpan.FromMilliseconds(300)));

    public string Id => nameof(PeakFractionColumn);
    public string ColumnName => "% of FMA peak";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "GFLOP/s over the measured one-core Vector512 FMA peak";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? gflops = GflopsColumn.Gflops(summary, benchmarkCase);
        return gflops is double g ? (100 * g / Peak.Value).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + " %" : "-";
    }
}
