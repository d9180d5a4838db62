using DeepCnn.Core.Tests.Support;
using DeepCnn.Parallel;
using Xunit;

namespace DeepCnn.Core.Tests.ParallelTests;

/// <summary>
/// The pool behind <see cref="Compute.For"/>: every chunk runs exactly once, whatever the thread
/// count, the chunk count (fewer, as many or more chunks than threads) and how quickly one loop
/// follows another; a chunk's exception reaches the caller; a nested loop runs on its caller.
/// </summary>
public class WorkerPoolTests
{
    // Counts the runs of each chunk; chunk i spins i-dependent work so that threads finish out of step.
    private sealed class CountingWork(int capacity) : IParallelWork
    {
        public readonly int[] Runs = new int[capacity];
        public double Sink;

        public void Execute(int index)
        {
            double s = 0;
            for (int k = 0; k < (index % 7) * 50; k++)
                s += Math.Sqrt(k);
            Interlocked.Increment(ref Runs[index]);
            Sink += s;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_chunk_runs_exactly_once_in_back_to_back_loops(int threads)
    {
        ForcedThreads.Run(threads, () =>
        {
            var rng = new Random(5);
            for (int loop = 0; loop < 3000; loop++)
            {
                int count = loop % 10 == 0 ? rng.Next(20, 200) : rng.Next(1, 12);
                var work = new CountingWork(count);
                Compute.For(work, count);
                for (int i = 0; i < count; i++)
                    Assert.True(work.Runs[i] == 1, $"loop {loop}, {count} chunks on {threads} threads: chunk {i} ran {work.Runs[i]} times.");
            }
        });
    }

    private sealed class ThrowingWork : IParallelWork
    {
        public int Ran;

        public void Execute(int index)
        {
            Interlocked.Increment(ref Ran);
            if (index == 7)
                throw new InvalidOperationException("chunk 7 failed");
        }
    }

    [Fact]
    public void A_chunk_exception_reaches_the_caller_after_the_other_chunks_ran_and_the_pool_stays_usable()
    {
        ForcedThreads.Run(2, () =>
        {
            var failing = new ThrowingWork();
            var e = Assert.Throws<InvalidOperationException>(() => Compute.For(failing, 10));
            Assert.Equal("chunk 7 failed", e.Message);
            Assert.Equal(10, failing.Ran);
            var work = new CountingWork(10);
            Compute.For(work, 10);
            Assert.All(work.Runs, runs => Assert.Equal(1, runs));
        });
    }

    private sealed class NestingWork : IParallelWork
    {
        public readonly CountingWork[] Inner = Enumerable.Range(0, 4).Select(_ => new CountingWork(6)).ToArray();

        public void Execute(int index) => Compute.For(Inner[index], 6);
    }

    [Fact]
    public void A_nested_loop_runs_on_its_caller_and_completes()
    {
        ForcedThreads.Run(2, () =>
        {
            var outer = new NestingWork();
            Compute.For(outer, 4);
            foreach (var inner in outer.Inner)
                Assert.All(inner.Runs, runs => Assert.Equal(1, runs));
        });
    }
}
