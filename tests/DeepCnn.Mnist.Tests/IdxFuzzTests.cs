using DeepCnn.Testing;
using DeepCnn.Mnist.Idx;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DeepCnn.Mnist.Tests;

/// <summary>
/// Whatever the bytes, the reader returns consistent data or throws <see cref="DataFormatException"/>
/// naming the file: no other exception, and no allocation beyond what the input justifies.
/// </summary>
public sealed class IdxFuzzTests
{
    private const string FileName = "fuzzed-idx-ubyte";

    // Inputs are a few kilobytes; a reader that trusted a lying header would allocate up to 2 GB.
    private const long AllocationLimit = 4_000_000;

    private static readonly Gen<byte[]> RandomBytes = Gen.OneOf(
        Mutation.Bytes(0, 64),
        // A valid-looking prefix gets past the magic number into the deeper checks.
        from rank in Gen.Elements<byte>(1, 3)
        from rest in Mutation.Bytes(0, 64)
        select (byte[])[0, 0, 8, rank, .. rest]);

    private static readonly Gen<(byte[] Content, bool IsImages)> MutatedFiles =
        from count in Gen.Choose(0, 6)
        from rows in Gen.Choose(1, 6)
        from cols in Gen.Choose(1, 6)
        from seed in Gen.Choose(0, int.MaxValue)
        from isImages in Gen.Elements(true, false)
        from gzip in Gen.Elements(false, true)
        from mutateCompressed in Gen.Elements(false, true)
        from mutationCount in Gen.Choose(1, 3)
        from mutations in Gen.ListOf(Mutation.Generator, mutationCount)
        select (Build(Synthetic.ImageSet(count, rows, cols, seed), isImages, gzip, mutateCompressed, mutations), isImages);

    [Property(MaxTest = 400, Replay = "(11,13)")]
    public Property Random_bytes_are_valid_or_rejected_cleanly() =>
        Prop.ForAll(RandomBytes.ToArbitrary(), bytes =>
        {
            AssertReadsOrRejects(bytes, isImages: true);
            AssertReadsOrRejects(bytes, isImages: false);
        });

    [Property(MaxTest = 600, Replay = "(17,19)")]
    public Property Mutated_files_are_valid_or_rejected_cleanly() =>
        Prop.ForAll(MutatedFiles.ToArbitrary(), file => AssertReadsOrRejects(file.Content, file.IsImages));

    private static byte[] Build(ImageSet set, bool isImages, bool gzip, bool mutateCompressed, IEnumerable<ByteMutation> mutations)
    {
        var content = isImages ? IdxWriter.EncodeImages(Synthetic.Images(set)) : IdxWriter.EncodeLabels(set.Labels);
        if (!gzip)
        {
            return Mutate(content, mutations);
        }

        return mutateCompressed ? Mutate(Synthetic.Gzip(content), mutations) : Synthetic.Gzip(Mutate(content, mutations));
    }

    private static byte[] Mutate(byte[] content, IEnumerable<ByteMutation> mutations) =>
        mutations.Aggregate(content, (current, mutation) => mutation.Apply(current));

    private static void AssertReadsOrRejects(byte[] content, bool isImages)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            if (isImages)
            {
                var images = IdxReader.ReadImages(content, FileName);
                Assert.Equal((long)images.Count * images.Rows * images.Cols, images.Pixels.Length);
                Assert.InRange(images.Rows, 1, 10_000);
                Assert.InRange(images.Cols, 1, 10_000);
            }
            else
            {
                Assert.True(IdxReader.ReadLabels(content, FileName).Length <= content.Length);
            }
        }
        catch (DataFormatException e)
        {
            Assert.StartsWith(FileName + ": ", e.Message, StringComparison.Ordinal);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationLimit, $"allocated {allocated} bytes for {content.Length} input bytes");
    }
}
