using DeepCnn.Parallel;

namespace DeepCnn.Core.Tests.Support;

/// <summary>Runs an action with <see cref="Compute.ThreadCount"/> set, restoring the previous count afterwards.</summary>
internal static class ForcedThreads
{
    public static void Run(int threads, Action action) => Run(threads, () =>
    {
        action();
        return 0;
    });

    public static T Run<T>(int threads, Func<T> action)
    {
        int saved = Compute.ThreadCount;
        Compute.ThreadCount = threads;
        try
        {
            return action();
        }
        finally
        {
            Compute.ThreadCount = saved;
        }
    }
}
