namespace DeepCnn.Benchmarks;

/// <summary>A benchmark whose cases do a known number of floating-point operations per invocation.</summary>
public interface IFlopCounted
{
    /// <summary>FLOP of one invocation of the case, given its parameter values (by name).</summary>
    double FlopsPerInvocation(IReadOnlyDictionary<string, object> parameters);
}
