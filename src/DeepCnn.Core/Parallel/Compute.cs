namespace DeepCnn.Parallel;

/// <summary>
/// The library's thread setting and its loop primitive. Kernels split work into chunks whose
/// boundaries do not depend on the thread count (usually one batch item per chunk) and reduce
/// partial results in a fixed order, so training gives bit-identical weights for any
/// <see cref="ThreadCount"/>.
/// </summary>
public static class Compute
{
    private static int _threadCount = Environment.ProcessorCount;

    /// <summary>Threads a parallel loop may use, the caller included; defaults to <see cref="Environment.ProcessorCount"/>. 1 runs everything on the caller.</summary>
    public static int ThreadCount
    {
        get => Volatile.Read(ref _threadCount);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _threadCount, value);
        }
    }

    /// <summary>
    /// Runs <c>work.Execute(i)</c> for i in [0, <paramref name="count"/>) on up to <see cref="ThreadCount"/>
    /// threads and returns when all are done. Allocation-free; a nested or concurrent call runs on its caller.
    /// Exceptions from chunks are rethrown on the caller.
    /// </summary>
    public static void For(IParallelWork work, int count)
    {
        ArgumentNullException.ThrowIfNull(work);
        int threads = Math.Min(ThreadCount, count);
        if (threads <= 1 || !WorkerPool.Shared.TryRun(work, count, threads))
            for (int i = 0; i < count; i++)
                work.Execute(i);
    }
}
