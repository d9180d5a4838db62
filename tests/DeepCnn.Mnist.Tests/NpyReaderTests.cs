using DeepCnn.Mnist.Npz;

namespace DeepCnn.Mnist.Tests;

public sealed class NpyReaderTests
{
    private const string Name = "array.npy";

    private static readonly byte[] Six = [1, 2, 3, 4, 5, 6];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_every_format_version(byte major)
    {
        var array = NpyReader.ReadUInt8(NpzFiles.Npy(NpzFiles.Header([2, 3]), Six, major), Name);

        Assert.Equal([2, 3], array.Shape);
        Assert.Equal(Six, array.Data);
    }

    [Theory]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (6,), }", new[] { 6 })]
    [InlineData("{\"shape\": (2,3), \"fortran_order\": False, \"descr\": \"|u1\"}", new[] { 2, 3 })]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (1L, 6L)}", new[] { 1, 6 })]
    [InlineData("{ 'descr' : '|u1' , 'fortran_order' : False , 'shape' : ( 3 , 2 , ) , }", new[] { 3, 2 })]
    public void Accepts_the_header_variants_numpy_writes(string header, int[] shape)
    {
        Assert.Equal(shape, NpyReader.ReadUInt8(NpzFiles.Npy(header, Six), Name).Shape);
    }

    [Fact]
    public void Reads_a_scalar()
    {
        var array = NpyReader.ReadUInt8(NpzFiles.Npy(NpzFiles.Header([]), [42]), Name);

        Assert.Empty(array.Shape);
        Assert.Equal([42], array.Data);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", "unsupported data type '<f4'")]
    [InlineData("{'descr': '|u1', 'fortran_order': True, 'shape': (6,), }", "fortran_order True")]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (6), }", "'shape' is not a tuple")]
    [InlineData("{'descr': '|u1', 'fortran_order': False}", "must have the keys")]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (6,), 'extra': 1}", "unexpected or repeated key 'extra'")]
    [InlineData("{'descr': '|u1', 'descr': '|u1', 'fortran_order': False, 'shape': (6,)}", "unexpected or repeated key 'descr'")]
    [InlineData("{'descr': '|u1', 'fortran_order': Maybe, 'shape': (6,)}", "expected True or False")]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (-6,)}", "expected an axis length")]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (99999999999,)}", "expected an axis length")]
    [InlineData("{'descr: '|u1'}", "expected ':'")]
    [InlineData("{'descr': '|u1', 'fortran_order': False, 'shape': (6,)} junk", "unexpected text after the dictionary")]
    [InlineData("__import__('os')", "expected '{'")]
    public void Rejects_invalid_headers(string header, string problem)
    {
        var error = Assert.Throws<DataFormatException>(() => NpyReader.ReadUInt8(NpzFiles.Npy(header, Six), Name));

        Assert.StartsWith(Name + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Rejects_a_wrong_magic()
    {
        var npy = NpzFiles.Npy([6], Six);
        npy[1] = (byte)'X';

        Assert.Contains("wrong magic", Assert.Throws<DataFormatException>(() => NpyReader.ReadUInt8(npy, Name)).Message);
    }

    [Fact]
    public void Rejects_an_unknown_version()
    {
        var npy = NpzFiles.Npy([6], Six);
        npy[6] = 4;

        Assert.Contains("unsupported .npy version 4.0", Assert.Throws<DataFormatException>(() => NpyReader.ReadUInt8(npy, Name)).Message);
    }

    [Fact]
    public void Rejects_an_absurd_header_length()
    {
        byte[] npy = [0x93, .. "NUMPY"u8, 2, 0, 0xFF, 0xFF, 0xFF, 0x7F];

        Assert.Contains("absurd .npy header length", Assert.Throws<DataFormatException>(() => NpyReader.ReadUInt8(npy, Name)).Message);
    }

    [Fact]
    public void Rejects_a_non_ascii_header()
    {
        var npy = NpzFiles.Npy(NpzFiles.Header([6]).Replace("|u1", "|u#", StringComparison.Ordinal), Six);
        npy[Array.IndexOf(npy, (byte)'#')] = 0xE9;

        var error = Assert.Throws<DataFormatException>(() => NpyReader.ReadUInt8(npy, Name));

        Assert.Contains("not ASCII", error.Message);
    }

    [Fact]
    public void Rejects_truncated_data_and_trailing_garbage()
    {
        var npy = NpzFiles.Npy([6], Six);

        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => NpyReader.ReadUInt8(npy[..^1], Name)).Message);
        Assert.Contains("trailing garbage", Assert.Throws<DataFormatException>(() => NpyReader.ReadUInt8([.. npy, 0], Name)).Message);
        Assert.Contains("truncated", Assert.Throws<DataFormatException>(() => NpyReader.ReadUInt8(npy[..9], Name)).Message);
    }

    [Fact]
    public void Rejects_a_shape_beyond_the_array_limit_before_reading()
    {
        var npy = NpzFiles.Npy(NpzFiles.Header([2_000_000_000, 2_000_000_000, 0, 5]).Replace(", 0", "", StringComparison.Ordinal), Six);

        Assert.Contains("absurd dimensions", Assert.Throws<DataFormatException>(() => NpyReader.ReadUInt8(npy, Name)).Message);
    }
}
