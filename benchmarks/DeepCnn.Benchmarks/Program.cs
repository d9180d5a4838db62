using BenchmarkDotNet.Configs;
using Perfolizer.Horology;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace DeepCnn.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/DeepCnn.Benchmarks -- --filter '*'</c>
/// runs the full job (the numbers in docs/PERFORMANCE.md; 8 warm-up iterations, because a training
/// step of the 800-layer model takes ~70 ms and tiered JIT needs about a second to settle); adding <c>smoke</c> runs every
/// benchmark once (BenchmarkDotNet's Dry job) so CI sees that they run, without judging them;
/// <c>-- scaling [models] [rounds]</c> runs the <see cref="ScalingProbe"/> instead.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scaling")
        {
            try
            {
                ScalingProbe.Run(args[1..]);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Environment.ExitCode = 2;
            }
            return;
        }
        bool smoke = args.Contains("smoke", StringComparer.OrdinalIgnoreCase);
        var rest = args.Where(a => !a.Equals("smoke", StringComparison.OrdinalIgnoreCase)).ToArray();
        var job = smoke
            ? Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("Smoke") // in process: no project to generate and build per benchmark
            : Job.Default.WithWarmupCount(8).WithIterationCount(6).WithIterationTime(TimeInterval.FromMilliseconds(150)).WithId("Full");
        var config = DefaultConfig.Instance
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(new GflopsColumn(), new PeakFractionColumn())
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(48))
            .WithOptions(ConfigOptions.JoinSummary);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
    }
}
