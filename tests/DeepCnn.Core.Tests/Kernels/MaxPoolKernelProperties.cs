using DeepCnn.Core.Tests.Properties;
using DeepCnn.Core.Tests.Support;
using DeepCnn.Kernels;
using DeepCnn.Layers;
using DeepCnn.Tensors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace DeepCnn.Core.Tests.KernelTests;

/// <summary>A pooling case wide enough for the vector path (rows of 4 or more outputs), with values on a coarse grid so that ties occur.</summary>
public sealed record WidePoolCase(int Batch, int Channels, int Height, int Width, int Pool, int Stride, int Levels, ulong Seed)
{
    public override string ToString() => $"batch {Batch}, {Channels} ch, {Height}x{Width}, pool {Pool}, stride {Stride}, {Levels} value levels, seed {Seed}";
}

public static class WidePoolCases
{
    public static Arbitrary<WidePoolCase> Cases() =>
        (from b in Gen.Choose(1, 3)
         from c in Gen.Choose(1, 4)
         from h in Gen.Choose(2, 13)
         from w in Gen.Choose(2, 41)
         from twoByTwo in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
         from pool in twoByTwo ? Gen.Constant(2) : Gen.Choose(1, 3)
         from stride in twoByTwo ? Gen.Constant(2) : Gen.Choose(1, 3)
         from levels in Gen.Elements(2, 5, 1000)
         from s in Gen.Choose(0, int.MaxValue)
         where h >= pool && w >= pool
         select new WidePoolCase(b, c, h, w, pool, stride, levels, (ulong)s)).ToArbitrary();
}

/// <summary>
/// MaxPool2D's vector path and its parallel loop equal the plain reference loop bit for bit: the
/// outputs, the recorded argmax (first maximum on ties, NaN kept where it comes first) and the
/// routed gradients, at every register width and for 1 and 2 threads.
/// </summary>
[Properties(MaxTest = PropertyConfig.Cases, Replay = PropertyConfig.Replay, Arbitrary = new[] { typeof(WidePoolCases) })]
public class MaxPoolKernelProperties
{
    [Property]
    public void The_layer_equals_the_reference_loop_at_every_width_and_thread_count(WidePoolCase c)
    {
        var rng = new Rng(c.Seed);
        var x = new Tensor(c.Batch, c.Channels, c.Height, c.Width);
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.NextInt(c.Levels) - (c.Levels / 2);
        if (c.Seed % 5 == 0)
            x[(int)(c.Seed % (ulong)x.Length)] = float.NaN;
        var (yRef, argRef, dxRef, dy) = Reference(c, x, rng);

        foreach (int width in ForcedWidth.All)
            foreach (int threads in new[] { 1, 2 })
                ForcedWidth.Run(width, () =>
                {
                    ForcedThreads.Run(threads, () =>
                    {
                        var layer = new MaxPool2D(c.Pool, c.Stride);
                        layer.Build([c.Channels, c.Height, c.Width], new Rng(1));
                        var y = new Tensor([c.Batch, .. layer.OutputShape]);
                        layer.Forward(x, y, training: true);
                        var dx = new Tensor(x.Shape.ToArray());
                        dx.Span.Fill(123f); // backward must overwrite every element
                        layer.Backward(x, y, dy, dx);
                        string context = $"{c}, width {width}, {threads} threads";
                        AssertBits(yRef, y.Span, $"{context}: y");
                        AssertBits(dxRef, dx.Span, $"{context}: dx");
                        Assert.Equal(Kinks.Indices(argRef), layer.KinkSignature(y));
                    });
                });
    }

    private static (float[] Y, int[] Argmax, float[] Dx, Tensor Dy) Reference(WidePoolCase c, Tensor x, Rng rng)
    {
        int outH = ((c.Height - c.Pool) / c.Stride) + 1, outW = ((c.Width - c.Pool) / c.Stride) + 1;
        int inPlane = c.Height * c.Width, outPlane = outH * outW, planes = c.Batch * c.Channels;
        var y = new float[planes * outPlane];
        var argmax = new int[planes * outPlane];
        var dy = new Tensor(c.Batch, c.Channels, outH, outW);
        for (int i = 0; i < dy.Length; i++)
            dy[i] = rng.NextUniform(-1, 1);
        var dx = new float[planes * inPlane];
        for (int p = 0; p < planes; p++)
        {
            MaxPoolKernels.Reference(x.Span.Slice(p * inPlane, inPlane), c.Width, c.Pool, c.Stride,
                y.AsSpan(p * outPlane, outPlane), argmax.AsSpan(p * outPlane, outPlane), outH, outW);
            for (int o = 0; o < outPlane; o++)
                dx[(p * inPlane) + argmax[(p * outPlane) + o]] += dy[(p * outPlane) + o];
        }
        return (y, argmax, dx, dy);
    }

    private static void AssertBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9}.");
    }
}
