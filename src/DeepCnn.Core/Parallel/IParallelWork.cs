namespace DeepCnn.Parallel;

/// <summary>
/// A preallocated piece of parallel work: <see cref="Execute"/> runs chunk <c>index</c> of a loop.
/// Implementations keep their arguments in fields set before <see cref="Compute.For"/>, so running
/// them allocates nothing (unlike a lambda passed to <c>Parallel.For</c>).
/// </summary>
public interface IParallelWork
{
    /// <summary>Runs chunk <paramref name="index"/>. Chunks must not depend on which thread runs them or in which order.</summary>
    void Execute(int index);
}
