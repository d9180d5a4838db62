namespace DeepCnn.Core.Tests.KernelTests;

/// <summary>Runs an action with the kernels forced to a register width, restoring detection afterwards.</summary>
internal static class ForcedWidth
{
    /// <summary>The widths every fallback path is tested at: 512, 256, 128 bits and scalar.</summary>
    public static readonly int[] All = [16, 8, 4, 1];

    public static void Run(int width, Action action)
    {
        DeepCnn.Kernels.Simd.SimdWidth.Override = width;
        try
        {
            action();
        }
        finally
        {
            DeepCnn.Kernels.Simd.SimdWidth.Override = null;
        }
    }
}
