using DeepCnn.Kernels;
using FsCheck;
using FsCheck.Fluent;

namespace DeepCnn.Core.Tests.Support;

/// <summary>A generated convolution shape with a seed for its values.</summary>
public sealed record ConvCase(int Batch, int InChannels, int Height, int Width, int Filters, int Kernel, int Stride, Padding Padding, bool Relu, ulong Seed)
{
    public string PaddingName => Padding == Padding.Same ? "same" : "valid";

    public override string ToString() =>
        $"batch {Batch}, {InChannels}->{Filters} ch, {Height}x{Width}, kernel {Kernel}, stride {Stride}, {PaddingName}{(Relu ? ", relu" : "")}, seed {Seed}";
}

/// <summary>A generated image batch shape (batch 1-4, channels 1-5, spatial 1-9) with a seed.</summary>
public sealed record ImageCase(int Batch, int Channels, int Height, int Width, ulong Seed)
{
    public int[] Shape => [Batch, Channels, Height, Width];
}

/// <summary>A generated pooling case.</summary>
public sealed record PoolCase(ImageCase Image, int PoolSize, int Stride);

/// <summary>A generated dense case.</summary>
public sealed record DenseCase(int Batch, int Inputs, int Units, string? Activation, ulong Seed);

/// <summary>FsCheck generators for the gradient-check properties.</summary>
public static class Generators
{
    private static Gen<ulong> Seeds => Gen.Choose(0, int.MaxValue).Select(i => (ulong)i);

    public static Gen<ImageCase> Images =>
        from b in Gen.Choose(1, 4)
        from c in Gen.Choose(1, 5)
        from h in Gen.Choose(1, 9)
        from w in Gen.Choose(1, 9)
        from s in Seeds
        select new ImageCase(b, c, h, w, s);

    public static Arbitrary<ConvCase> ConvCases() =>
        (from b in Gen.Choose(1, 4)
         from cin in Gen.Choose(1, 5)
         from cout in Gen.Choose(1, 5)
         from k in Gen.Choose(1, 3)
         from h in Gen.Choose(1, 9)
         from w in Gen.Choose(1, 9)
         from stride in Gen.Choose(1, 2)
         from same in Gen.Elements(true, false)
         from relu in Gen.Elements(true, false)
         from s in Seeds
         where same || (h >= k && w >= k)
         select new ConvCase(b, cin, h, w, cout, k, stride, same ? Padding.Same : Padding.Valid, relu, s)).ToArbitrary();

    public static Arbitrary<ImageCase> ImageCases() => Images.ToArbitrary();

    public static Arbitrary<PoolCase> PoolCases() =>
        (from image in Images
         from pool in Gen.Choose(1, 3)
         from stride in Gen.Choose(1, 3)
         where image.Height >= pool && image.Width >= pool
         select new PoolCase(image, pool, stride)).ToArbitrary();

    public static Arbitrary<DenseCase> DenseCases() =>
        (from b in Gen.Choose(1, 4)
         from i in Gen.Choose(1, 12)
         from u in Gen.Choose(1, 10)
         from act in Gen.Elements<string?>(null, "relu", "softmax")
         from s in Seeds
         select new DenseCase(b, i, u, act, s)).ToArbitrary();
}
