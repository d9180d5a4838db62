using System.Diagnostics;
using System.Globalization;
using DeepCnn.Parallel;

namespace DeepCnn.Benchmarks;

/// <summary>
/// <c>-- scaling [model] [rounds]</c>: interleaved Stopwatch rounds of 10 training steps on 1 thread
/// and on every core, each with the time the hypervisor stole from this machine's vCPUs during the
/// round (the steal column of Linux's /proc/stat). On a shared virtual machine a stolen vCPU makes
/// the two-thread step wait for its slower half; the probe shows how much of the spread in the
/// thread speed-up that explains, which BenchmarkDotNet's means cannot.
/// </summary>
internal static class ScalingProbe
{
    private const int StepsPerRound = 10;

    public static void Run(string[] args)
    {
        string name = args.Length > 0 ? args[0] : "II";
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var model = BenchmarkModels.Create(name);
        var (x, y) = BenchmarkBatch.Create(3);
        int all = Environment.ProcessorCount;
        int[] threadCounts = all > 1 ? [1, all] : [1];
        foreach (int t in threadCounts)
        {
            Compute.ThreadCount = t;
            for (int i = 0; i < 3 * StepsPerRound; i++)
                model.TrainStep(x, y);
        }
        var times = threadCounts.ToDictionary(t => t, _ => new List<(double Ms, double StealMs)>());
        Console.WriteLine($"model {name}, {rounds} rounds of {StepsPerRound} steps, batch 10");
        Console.WriteLine("round  threads  ms/step  steal ms");
        for (int r = 0; r < rounds; r++)
            foreach (int t in threadCounts)
            {
                Compute.ThreadCount = t;
                double stealBefore = StealMilliseconds();
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < StepsPerRound; i++)
                    model.TrainStep(x, y);
                double ms = clock.Elapsed.TotalMilliseconds / StepsPerRound;
                double steal = StealMilliseconds() - stealBefore;
                times[t].Add((ms, steal));
                Console.WriteLine(FormattableString.Invariant($"{r,5}  {t,7}  {ms,7:F2}  {steal,8:F0}"));
            }
        Compute.ThreadCount = all;
        double one = Median(times[1].Select(s => s.Ms));
        Console.WriteLine(FormattableString.Invariant($"1 thread: median {one:F2} ms/step"));
        if (all == 1)
            return;
        double many = Median(times[all].Select(s => s.Ms));
        var quiet = times[all].Where(s => s.StealMs == 0).Select(s => s.Ms).ToList();
        Console.WriteLine(FormattableString.Invariant($"{all} threads: median {many:F2} ms/step, speed-up {one / many:F2}x"));
        Console.WriteLine(quiet.Count > 0
            ? FormattableString.Invariant($"{all} threads, the {quiet.Count} rounds without steal: median {Median(quiet):F2} ms/step, speed-up {one / Median(quiet):F2}x")
            : $"{all} threads: every round had steal time");
    }

    // Linux only: the 8th value of the "cpu" line of /proc/stat, in clock ticks (USER_HZ = 100); 0 elsewhere.
    private static double StealMilliseconds()
    {
        if (!File.Exists("/proc/stat"))
            return 0;
        using var reader = new StreamReader("/proc/stat");
        var fields = (reader.ReadLine() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 8 && fields[0] == "cpu" ? double.Parse(fields[8], CultureInfo.InvariantCulture) * 10 : 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
