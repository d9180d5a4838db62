using FsCheck;
using FsCheck.Fluent;

namespace DeepCnn.Mnist.Tests;

/// <summary>One way a file gets damaged; positions are taken modulo the file length when applied.</summary>
internal abstract record Mutation
{
    public abstract byte[] Apply(byte[] content);

    public static Gen<Mutation> Generator { get; } = Gen.OneOf(
        from position in Gen.Choose(0, int.MaxValue)
        from bit in Gen.Choose(0, 7)
        select (Mutation)new FlipBit(position, bit),
        from position in Gen.Choose(0, int.MaxValue)
        from value in Gen.Choose(0, 255)
        select (Mutation)new SetByte(position, (byte)value),
        from keep in Gen.Choose(0, int.MaxValue)
        select (Mutation)new Truncate(keep),
        from extra in Bytes(1, 16)
        select (Mutation)new Append(extra),
        // Header words are where lies about sizes live, so they get their own mutation.
        from word in Gen.Choose(0, 3)
        from value in Gen.Elements<uint>(0, 1, 28, 10_000, 10_001, 65_535, 1u << 24, int.MaxValue, uint.MaxValue)
        select (Mutation)new SetHeaderWord(word, value));

    public static Gen<byte[]> Bytes(int minLength, int maxLength) =>
        from length in Gen.Choose(minLength, maxLength)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(value => (byte)value), length)
        select bytes;

    private sealed record FlipBit(int Position, int Bit) : Mutation
    {
        public override byte[] Apply(byte[] content)
        {
            if (content.Length == 0)
            {
                return content;
            }

            var result = content.ToArray();
            result[Position % result.Length] ^= (byte)(1 << Bit);
            return result;
        }
    }

    private sealed record SetByte(int Position, byte Value) : Mutation
    {
        public override byte[] Apply(byte[] content)
        {
            if (content.Length == 0)
            {
                return content;
            }

            var result = content.ToArray();
            result[Position % result.Length] = Value;
            return result;
        }
    }

    private sealed record Truncate(int Keep) : Mutation
    {
        public override byte[] Apply(byte[] content) => content[..(Keep % (content.Length + 1))];
    }

    private sealed record Append(byte[] Extra) : Mutation
    {
        public override byte[] Apply(byte[] content) => [.. content, .. Extra];
    }

    private sealed record SetHeaderWord(int Word, uint Value) : Mutation
    {
        public override byte[] Apply(byte[] content)
        {
            if (content.Length < 4 * (Word + 1))
            {
                return content;
            }

            var result = content.ToArray();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(4 * Word), Value);
            return result;
        }
    }
}
