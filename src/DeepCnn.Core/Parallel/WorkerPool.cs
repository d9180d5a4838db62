using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace DeepCnn.Parallel;

/// <summary>
/// A small persistent pool of background threads that runs one <see cref="IParallelWork"/> at a
/// time without allocating. The caller publishes the work, wakes the helpers it wants, takes
/// chunks itself, and waits only for chunks that were actually claimed: a helper that wakes late
/// (descheduled, or still asleep) finds nothing left and costs the caller nothing.
/// </summary>
/// <remarks>
/// Chunk claims go through one 64-bit word, (job number &lt;&lt; 32) | next index, changed only by
/// compare-and-swap: a claim succeeds only while its job is current, so a late helper can never
/// run a chunk of a job with another job's work object. Which thread runs a chunk varies; what a
/// chunk computes does not. An idle helper spins for <see cref="SpinBeforeSleep"/> before blocking
/// on its semaphore, because the gaps between the parallel regions of a training step are far
/// shorter than the tens of microseconds a wake-up from a blocked wait costs on a VM.
/// </remarks>
internal sealed class WorkerPool
{
    private static readonly long SpinBeforeSleep = Stopwatch.Frequency / 2000; // 0.5 ms

    private readonly Lock _growLock = new();
    private Worker[] _workers = [];
    private int _busy;
    private uint _job;
    private long _claims;
    private int _completed;
    private IParallelWork? _work;
    private int _count;
    private ExceptionDispatchInfo? _error;

    /// <summary>The pool every <see cref="Compute.For"/> uses.</summary>
    public static WorkerPool Shared { get; } = new();

    /// <summary>
    /// Runs chunks [0, <paramref name="count"/>) of <paramref name="work"/> on the caller and up to
    /// <paramref name="threads"/> - 1 helpers. Returns false, having run nothing, when the pool is
    /// already busy (a nested or concurrent call), so that the caller runs the loop itself.
    /// </summary>
    public bool TryRun(IParallelWork work, int count, int threads)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            return false;
        try
        {
            var workers = EnsureWorkers(threads - 1);
            _work = work;
            _count = count;
            _error = null;
            _completed = 0;
            uint job = ++_job;
            Interlocked.Exchange(ref _claims, (long)job << 32); // publishes the fields above
            for (int w = 0; w < threads - 1; w++)
                workers[w].Wake();
            RunChunks();
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _completed) != count)
                spinner.SpinOnce(sleep1Threshold: -1);
            _work = null;
            _error?.Throw();
            return true;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private Worker[] EnsureWorkers(int count)
    {
        var workers = _workers;
        if (workers.Length >= count)
            return workers;
        lock (_growLock)
        {
            if (_workers.Length < count)
            {
                var grown = new Worker[count];
                _workers.CopyTo(grown, 0);
                for (int w = _workers.Length; w < count; w++)
                    grown[w] = new Worker(this, w);
                _workers = grown;
            }
            return _workers;
        }
    }

    // Claims and runs chunks of the current job until none is left.
    private void RunChunks()
    {
        while (true)
        {
            long claims = Volatile.Read(ref _claims);
            var work = _work;
            int count = _count;
            int index = (int)(claims & uint.MaxValue);
            if (work is null || index >= count)
                return;
            // Success proves the job was current while work and count were read (see remarks).
            if (Interlocked.CompareExchange(ref _claims, claims + 1, claims) != claims)
                continue;
            try
            {
                work.Execute(index);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            }
            Interlocked.Increment(ref _completed);
        }
    }

    /// <summary>One background thread; <see cref="Wake"/> tells it there is work.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Workers live as long as the process; their semaphore is never released early.")]
    private sealed class Worker
    {
        private readonly WorkerPool _pool;
        private readonly SemaphoreSlim _signal = new(0);
        private long _ticket;
        private int _sleeping;

        public Worker(WorkerPool pool, int index)
        {
            _pool = pool;
            new Thread(Loop) { IsBackground = true, Name = $"DeepCnn worker {index + 1}" }.Start();
        }

        /// <summary>Called by the pool's caller after publishing a job.</summary>
        public void Wake()
        {
            Interlocked.Increment(ref _ticket);
            // Both sides use full fences: either the worker sees the new ticket before it blocks, or
            // this exchange sees its sleeping flag and releases it. A stale release only causes one
            // spurious wake-up, after which the worker re-checks its ticket.
            if (Interlocked.Exchange(ref _sleeping, 0) == 1)
                _signal.Release();
        }

        private void Loop()
        {
            long seen = 0;
            while (true)
            {
                WaitForTicket(seen);
                seen = Volatile.Read(ref _ticket);
                _pool.RunChunks();
            }
        }

        private void WaitForTicket(long seen)
        {
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _ticket) == seen)
            {
                if (Stopwatch.GetTimestamp() - start < SpinBeforeSleep)
                {
                    Thread.SpinWait(20);
                    continue;
                }
                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _ticket) == seen)
                    _signal.Wait();
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
