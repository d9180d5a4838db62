namespace DeepCnn.Core.Tests.Serialization;

/// <summary>Passes writes through until <c>limit</c> bytes, writes the part that fits, then throws: a disk that fills up or a process killed mid-save.</summary>
internal sealed class FailingStream(Stream inner, long limit) : Stream
{
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long room = limit - _written;
        if (buffer.Length > room)
        {
            inner.Write(buffer[..(int)room]);
            _written = limit;
            throw new IOException($"simulated failure after {limit} bytes");
        }
        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
