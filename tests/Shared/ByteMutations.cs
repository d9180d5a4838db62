using System.Buffers.Binary;

namespace DeepCnn.Testing;

/// <summary>
/// One way a file gets damaged, for the loaders' fuzzing tests; positions are taken modulo the
/// file length when applied, so any generated value is meaningful. Shared (as a linked source
/// file) by the test projects that fuzz a reader.
/// </summary>
internal abstract record ByteMutation
{
    public abstract byte[] Apply(byte[] content);
}

/// <summary>Flips one bit.</summary>
internal sealed record FlipBit(int Position, int Bit) : ByteMutation
{
    public override byte[] Apply(byte[] content)
    {
        if (content.Length == 0)
            return content;
        var result = content.ToArray();
        result[Position % result.Length] ^= (byte)(1 << Bit);
        return result;
    }
}

/// <summary>Overwrites one byte.</summary>
internal sealed record SetByte(int Position, byte Value) : ByteMutation
{
    public override byte[] Apply(byte[] content)
    {
        if (content.Length == 0)
            return content;
        var result = content.ToArray();
        result[Position % result.Length] = Value;
        return result;
    }
}

/// <summary>Cuts the file short.</summary>
internal sealed record Truncate(int Keep) : ByteMutation
{
    public override byte[] Apply(byte[] content) => content[..(Keep % (content.Length + 1))];
}

/// <summary>Inserts bytes somewhere.</summary>
internal sealed record Insert(int Position, byte[] Extra) : ByteMutation
{
    public override byte[] Apply(byte[] content)
    {
        int at = Position % (content.Length + 1);
        return [.. content[..at], .. Extra, .. content[at..]];
    }
}

/// <summary>Adds trailing bytes.</summary>
internal sealed record Append(byte[] Extra) : ByteMutation
{
    public override byte[] Apply(byte[] content) => [.. content, .. Extra];
}

/// <summary>Overwrites the 32-bit header word number <c>Word</c> (where lies about sizes live).</summary>
internal sealed record SetWord(int Word, uint Value, bool BigEndian) : ByteMutation
{
    public override byte[] Apply(byte[] content)
    {
        if (content.Length < 4 * (Word + 1))
            return content;
        var result = content.ToArray();
        if (BigEndian)
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(4 * Word), Value);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4 * Word), Value);
        return result;
    }
}
