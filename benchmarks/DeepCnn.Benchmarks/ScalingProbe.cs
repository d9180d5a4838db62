using System.Diagnostics;
using System.Globalization;
using DeepCnn.Parallel;

namespace DeepCnn.Benchmarks;

/// <summary>
/// <c>-- scaling [models] [rounds]</c>: interleaved Stopwatch rounds of 10 training steps on 1 thread
/// and on every core, for one model or several (<c>II,VIII</c>), each round with the time the
/// hypervisor stole from this machine's vCPUs meanwhile (the steal column of Linux's /proc/stat). On
/// a shared virtual machine the host's speed drifts from one minute to the next; interleaving puts
/// every configuration in the same minutes, so their ratios (the thread speed-up, VIII against II)
/// hold even when BenchmarkDotNet's per-process means drift apart.
/// </summary>
internal static class ScalingProbe
{
    private const int StepsPerRound = 10;

    public static void Run(string[] args)
    {
        string[] names = (args.Length > 0 ? args[0] : "II").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int rounds = args.Length > 1 && int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int r) && r > 0 ? r
            : args.Length > 1 ? throw new ArgumentException($"The number of rounds must be a positive integer, got '{args[1]}'.") : 20;
        var models = names.Select(BenchmarkModels.Create).ToArray();
        var (x, y) = BenchmarkBatch.Create(3);
        int all = Environment.ProcessorCount;
        int[] threadCounts = all > 1 ? [1, all] : [1];
        var configs = (from m in Enumerable.Range(0, models.Length) from t in threadCounts select (Model: m, Threads: t)).ToArray();
        foreach (var (m, t) in configs)
        {
            Compute.ThreadCount = t;
            for (int i = 0; i < 3 * StepsPerRound; i++)
                models[m].TrainStep(x, y);
        }
        var times = configs.ToDictionary(c => c, _ => new List<(double Ms, double StealMs)>());
        Console.WriteLine($"models {string.Join(", ", names)}, {rounds} rounds of {StepsPerRound} steps each, batch 10");
        Console.WriteLine("round  model  threads  ms/step  steal ms");
        for (int round = 0; round < rounds; round++)
            foreach (var c in configs)
            {
                Compute.ThreadCount = c.Threads;
                double stealBefore = StealMilliseconds();
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < StepsPerRound; i++)
                    models[c.Model].TrainStep(x, y);
                double ms = clock.Elapsed.TotalMilliseconds / StepsPerRound;
                double steal = StealMilliseconds() - stealBefore;
                times[c].Add((ms, steal));
                Console.WriteLine(FormattableString.Invariant($"{round,5}  {names[c.Model],5}  {c.Threads,7}  {ms,7:F2}  {steal,8:F0}"));
            }
        Compute.ThreadCount = all;
        for (int m = 0; m < models.Length; m++)
        {
            double one = Median(times[(m, 1)].Select(s => s.Ms));
            Console.WriteLine(FormattableString.Invariant($"{names[m]}, 1 thread: median {one:F2} ms/step"));
            if (all == 1)
                continue;
            double many = Median(times[(m, all)].Select(s => s.Ms));
            var quiet = times[(m, all)].Where(s => s.StealMs == 0).Select(s => s.Ms).ToList();
            Console.WriteLine(FormattableString.Invariant($"{names[m]}, {all} threads: median {many:F2} ms/step, speed-up {one / many:F2}x"));
            Console.WriteLine(quiet.Count > 0
                ? FormattableString.Invariant($"{names[m]}, {all} threads, the {quiet.Count} rounds without steal: median {Median(quiet):F2} ms/step, speed-up {one / Median(quiet):F2}x")
                : $"{names[m]}, {all} threads: every round had steal time");
        }
        for (int m = 1; m < models.Length; m++)
            foreach (int t in threadCounts)
            {
                // Per round, so that both models' steps come from the same minutes of the host.
                var ratios = times[(m, t)].Zip(times[(0, t)], (a, b) => a.Ms / b.Ms);
                Console.WriteLine(FormattableString.Invariant($"{names[m]} / {names[0]}, {t} thread(s): median of the per-round ratios {Median(ratios):F2}"));
            }
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
