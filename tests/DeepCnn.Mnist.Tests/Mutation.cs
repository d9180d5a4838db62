using DeepCnn.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace DeepCnn.Mnist.Tests;

/// <summary>The damage the IDX and npz fuzzing applies (the mutations themselves are shared: tests/Shared/ByteMutations.cs).</summary>
internal static class Mutation
{
    public static Gen<ByteMutation> Generator { get; } = Gen.OneOf(
        from position in Gen.Choose(0, int.MaxValue)
        from bit in Gen.Choose(0, 7)
        select (ByteMutation)new FlipBit(position, bit),
        from position in Gen.Choose(0, int.MaxValue)
        from value in Gen.Choose(0, 255)
        select (ByteMutation)new SetByte(position, (byte)value),
        from keep in Gen.Choose(0, int.MaxValue)
        select (ByteMutation)new Truncate(keep),
        from extra in Bytes(1, 16)
        select (ByteMutation)new Append(extra),
        // Header words are where lies about sizes live, so they get their own mutation.
        from word in Gen.Choose(0, 3)
        from value in Gen.Elements<uint>(0, 1, 28, 10_000, 10_001, 65_535, 1u << 24, int.MaxValue, uint.MaxValue)
        select (ByteMutation)new SetWord(word, value, BigEndian: true));

    public static Gen<byte[]> Bytes(int minLength, int maxLength) =>
        from length in Gen.Choose(minLength, maxLength)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(value => (byte)value), length)
        select bytes;
}
