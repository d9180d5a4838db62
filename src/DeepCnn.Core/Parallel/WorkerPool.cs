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
/// The chunks are split into one contiguous range per thread (the caller's first), so that from
/// one parallel loop to the next a thread keeps the same batch items and finds their data in its
/// own core's cache; a thread that finishes its range takes what is left of the others'. Claims on
/// a range go through its own 64-bit word (on its own cache line), (job number &lt;&lt; 32) | next
/// index, changed only by compare-and-swap: a claim succeeds only while its job is current, so a
/// late helper can never run a chunk of a job with another job's work object. Which thread runs a
/// chunk varies; what a chunk computes does not. An idle helper spins for <see cref="SpinBeforeSleep"/> before blocking
/// on its semaphore, because the gaps between the parallel regions of a training step are far
/// shorter than the tens of microseconds a wake-up from a blocked wait costs on a VM.
/// </remarks>
internal sealed class WorkerPool
{
    private static readonly long SpinBeforeSleep = Stopwatch.Frequency / 2000; // 0.5 ms

    private readonly Lock _growLock = new();
    private Worker[] _workers = [];
    private int _busy;
    private int _job;
    private ClaimWord[] _claims = new ClaimWord[1];
    private int[] _ends = new int[1];
    private int _ranges;
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
            if (_claims.Length < threads)
            {
                _claims = new ClaimWord[threads];
                _ends = new int[threads];
            }
            _work = work;
            _count = count;
            _ranges = threads;
            _error = null;
            _completed = 0;
            // A full fence: a thread that sees a range end written below also sees the new job number.
            uint job = (uint)Interlocked.Increment(ref _job);
            for (int r = 0; r < threads; r++)
            {
                _ends[r] = (int)((long)count * (r + 1) / threads);
                int start = (int)((long)count * r / threads);
                // The last exchange publishes the fields above to the helpers.
                Interlocked.Exchange(ref _claims[r].Value, ((long)job << 32) | (uint)start);
            }
            for (int w = 0; w < threads - 1; w++)
                workers[w].Wake();
            RunChunks(0);
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

    // Runs chunks of the current job: first those of range `own`, then what is left of the others.
    private void RunChunks(int own)
    {
        var claims = _claims;
        var ends = _ends;
        int ranges = Math.Min(Volatile.Read(ref _ranges), claims.Length);
        if (own >= ranges)
            return;
        for (int k = 0; k < ranges; k++)
            RunRange(claims, ends, (own + k) % ranges);
    }

    private void RunRange(ClaimWord[] claims, int[] ends, int range)
    {
        while (true)
        {
            long word = Volatile.Read(ref claims[range].Value);
            var work = _work;
            int end = Volatile.Read(ref ends[range]);
            int index = (int)(word & uint.MaxValue);
            // The job check rejects an end already written for the next job (see TryRun).
            if (work is null || index >= end || (uint)(word >> 32) != (uint)Volatile.Read(ref _job))
                return;
            // Success proves the job was current while work and end were read (see remarks).
            if (Interlocked.CompareExchange(ref claims[range].Value, word + 1, word) != word)
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

    // One range's claim word, alone on its cache line so that the threads do not contend for it.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct ClaimWord
    {
        [System.Runtime.InteropServices.FieldOffset(64)] public long Value;
    }

    /// <summary>One background thread; <see cref="Wake"/> tells it there is work.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Workers live as long as the process; their semaphore is never released early.")]
    private sealed class Worker
    {
        private readonly WorkerPool _pool;
        private readonly SemaphoreSlim _signal = new(0);
        private readonly int _index;
        private long _ticket;
        private int _sleeping;

        public Worker(WorkerPool pool, int index)
        {
            _pool = pool;
            _index = index;
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
                _pool.RunChunks(_index + 1);
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
