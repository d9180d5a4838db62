using System.Runtime.Intrinsics;

namespace DeepCnn.Kernels.Simd;

/// <summary>
/// The register width the kernels run with: the widest accelerated one (512, 256, 128 bits, else
/// scalar). Tests set <see cref="Override"/> to force each fallback on any machine.
/// </summary>
internal static class SimdWidth
{
    /// <summary>Floats per register to use instead of the detected width (16, 8, 4 or 1), or null to detect.</summary>
    public static int? Override { get; set; }

    /// <summary>The detected width in floats.</summary>
    public static int Detected { get; } =
        Vector512.IsHardwareAccelerated ? 16
        : Vector256.IsHardwareAccelerated ? 8
        : Vector128.IsHardwareAccelerated ? 4
        : 1;

    /// <summary>The width in floats the kernels use now.</summary>
    public static int Current => Override ?? Detected;
}
