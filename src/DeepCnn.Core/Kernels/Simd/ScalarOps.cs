using System.Runtime.CompilerServices;

namespace DeepCnn.Kernels.Simd;

/// <summary><see cref="IVectorOps{TVec}"/> on one float: the portable fallback where no vector unit is accelerated.</summary>
internal readonly struct ScalarOps : IVectorOps<float>
{
    public static int Width => 1;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float a) => MathF.Max(a, 0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float a) => a;
}
