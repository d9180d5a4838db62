using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace DeepCnn.Benchmarks;

/// <summary>GFLOP/s of a case: its FLOP count (<see cref="IFlopCounted"/>) over the mean time.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Floating-point operations per second, 2*N*Hout*Wout*Cout*Cin*kh*kw per convolution pass";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? gflops = Gflops(summary, benchmarkCase);
        return gflops is double g ? g.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) : "-";
    }

    /// <summary>The case's GFLOP/s, or null when it has no FLOP count or no result.</summary>
    internal static double? Gflops(Summary summary, BenchmarkCase benchmarkCase)
    {
        var meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not double ns || ns <= 0 || Activator.CreateInstance(benchmarkCase.Descriptor.Type) is not IFlopCounted counted)
            return null;
        var parameters = benchmarkCase.Parameters.Items.ToDictionary(p => p.Name, p => p.Value);
        parameters["Method"] = benchmarkCase.Descriptor.WorkloadMethod.Name;
        double flop = counted.FlopsPerInvocation(parameters);
        return flop > 0 ? flop / ns : null;
    }
}
