namespace DeepCnn.Core.Tests.Properties;

/// <summary>Every property runs at least 100 generated cases from a fixed replay seed: never flaky.</summary>
internal static class PropertyConfig
{
    public const int Cases = 100;
    public const string Replay = "(20261203,7)";
}
