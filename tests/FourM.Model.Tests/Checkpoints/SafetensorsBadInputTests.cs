using System.Text;
using FourM.Model.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Checkpoints;

/// <summary>Malformed files must fail with a <see cref="SafetensorsFormatException"/> naming the file, key and expectation.</summary>
public sealed class SafetensorsBadInputTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Build(string headerJson, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + dataBytes];
        BitConverter.GetBytes((ulong)header.Length).CopyTo(bytes, 0);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private SafetensorsFormatException OpenFails(byte[] content)
    {
        var path = _dir.File("bad.safetensors");
        File.WriteAllBytes(path, content);
        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains(path, ex.Message);
        return ex;
    }

    [Fact]
    public void EmptyFileIsRejected() => Assert.Contains("8-byte header length", OpenFails([]).Message);

    [Fact]
    public void ShortFileIsRejected() => Assert.Contains("8-byte header length", OpenFails([1, 2, 3]).Message);

    [Fact]
    public void HeaderLongerThanFileIsRejected()
    {
        var content = Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        BitConverter.GetBytes(10_000UL).CopyTo(content, 0);
        Assert.Contains("header length 10000 exceeds", OpenFails(content).Message);
    }

    [Fact]
    public void HugeHeaderLengthIsRejected()
    {
        var content = Build("{}", 0);
        BitConverter.GetBytes(ulong.MaxValue).CopyTo(content, 0);
        Assert.Contains("limit", OpenFails(content).Message);
    }

    [Fact]
    public void TruncatedDataIsRejected()
    {
        var full = Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16);
        var ex = OpenFails(full[..^4]);
        Assert.Contains("'w'", ex.Message);
        Assert.Contains("beyond the 12-byte data section", ex.Message);
    }

    [Fact]
    public void CorruptJsonIsRejected() => Assert.Contains("not valid JSON", OpenFails(Build("{\"w\":{\"dtype\":\"F3", 0)).Message);

    [Fact]
    public void SizeThatDisagreesWithShapeIsRejected()
    {
        var ex = OpenFails(Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16));
        Assert.Contains("tensor 'w': F32 [3] needs 12 bytes but data_offsets [0, 16] span 16", ex.Message);
    }

    [Fact]
    public void BackwardOffsetsAreRejected() =>
        Assert.Contains("run backwards", OpenFails(Build("{\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8)).Message);

    [Fact]
    public void OverlappingTensorsAreRejected()
    {
        var ex = OpenFails(Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        Assert.Contains("overlap", ex.Message);
    }

    [Fact]
    public void UnknownDtypeIsRejected()
    {
        var ex = OpenFails(Build("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2));
        Assert.Contains("tensor 'w': unknown dtype 'F8_E4M3'", ex.Message);
    }

    [Fact]
    public void NegativeOrFractionalShapeIsRejected()
    {
        Assert.Contains("non-negative integers", OpenFails(Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4)).Message);
        Assert.Contains("non-negative integers", OpenFails(Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4)).Message);
    }

    [Fact]
    public void OverflowingShapeIsRejected() =>
        Assert.Contains("overflows", OpenFails(Build("{\"w\":{\"dtype\":\"F32\",\"shape\":[9223372036854775807,4],\"data_offsets\":[0,4]}}", 4)).Message);

    [Fact]
    public void DuplicateNamesAreRejected() =>
        Assert.Contains("twice", OpenFails(Build("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2)).Message);

    [Fact]
    public void NonStringMetadataIsRejected() =>
        Assert.Contains("__metadata__ key 'dim' must be a string", OpenFails(Build("{\"__metadata__\":{\"dim\":32}}", 0)).Message);

    [Fact]
    public void MissingTensorAndWrongShapeNameTheKey()
    {
        var path = _dir.File("ok.safetensors");
        using (var t = zeros(2, 3)) new SafetensorsWriter().Add("w", t).Save(path);
        using var file = SafetensorsFile.Open(path);
        var missing = Assert.Throws<KeyNotFoundException>(() => file.ReadTensor("nope"));
        Assert.Contains("'nope'", missing.Message);
        var shape = Assert.Throws<SafetensorsFormatException>(() => file.ReadTensor("w", [3, 2]));
        Assert.Contains("tensor 'w' has shape [2, 3], expected [3, 2]", shape.Message);
    }
}
