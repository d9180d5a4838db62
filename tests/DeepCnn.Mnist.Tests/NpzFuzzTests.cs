using DeepCnn.Testing;
using DeepCnn.Mnist.Npz;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DeepCnn.Mnist.Tests;

/// <summary>Damaged .npy files and .npz archives end in valid data or <see cref="DataFormatException"/>, nothing else.</summary>
public sealed class NpzFuzzTests
{
    private const string Name = "fuzzed.npz";

    private static readonly Gen<List<ByteMutation>> Mutations =
        from count in Gen.Choose(1, 3)
        from mutations in Gen.ListOf(Mutation.Generator, count)
        select mutations;

    private static readonly byte[] ValidNpy = NpzFiles.Npy([2, 3, 4], [.. Enumerable.Range(0, 24).Select(i => (byte)i)]);

    private static readonly byte[] ValidArchive = NpzFiles.Archive(
        NpzFiles.MnistEntries(Synthetic.ImageSet(4, 3, 3, seed: 8), Synthetic.ImageSet(2, 3, 3, seed: 9)));

    [Property(MaxTest = 300, Replay = "(23,29)")]
    public Property Mutated_npy_files_are_valid_or_rejected_cleanly() =>
        Prop.ForAll(Mutations.ToArbitrary(), mutations =>
        {
            var content = mutations.Aggregate(ValidNpy, (current, mutation) => mutation.Apply(current));
            try
            {
                var array = NpyReader.ReadUInt8(content, Name);
                Assert.Equal(array.Shape.Aggregate(1L, (product, length) => product * length), array.Data.Length);
            }
            catch (DataFormatException e)
            {
                Assert.StartsWith(Name + ": ", e.Message, StringComparison.Ordinal);
            }
        });

    [Property(MaxTest = 200, Replay = "(31,37)")]
    public Property Mutated_archives_are_valid_or_rejected_cleanly() =>
        Prop.ForAll(Mutations.ToArbitrary(), mutations =>
        {
            var content = mutations.Aggregate(ValidArchive, (current, mutation) => mutation.Apply(current));
            try
            {
                var (train, test) = KerasNpz.Read(new MemoryStream(content), Name);
                Assert.Equal(train.Count * train.PixelsPerImage, train.Images.Length);
                Assert.Equal(test.Count * test.PixelsPerImage, test.Images.Length);
            }
            catch (DataFormatException e)
            {
                Assert.StartsWith(Name, e.Message, StringComparison.Ordinal);
            }
        });
}
