using FourM.Model.Checkpoints;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Checkpoints;

public sealed class SafetensorsRoundTripTests
{
    [Fact]
    public void WriterAndReaderRoundTripEveryDtype()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("all.safetensors");
        using var f32 = arange(0, 12, dtype: ScalarType.Float32).reshape(3, 4) / 7;
        using var bf16 = f32.to_type(ScalarType.BFloat16);
        using var f16 = f32.to_type(ScalarType.Float16);
        using var i64 = tensor(new long[] { -5, 0, long.MaxValue });
        using var i32 = tensor(new int[] { -7, 1 << 30 });
        using var i16 = tensor(new short[] { -32768, 12515, 32767 });
        using var flags = tensor(new[] { true, false, true });
        using var empty = zeros(0, 4);
        new SafetensorsWriter()
            .Add("f32", f32).Add("bf16", bf16).Add("f16", f16).Add("i64", i64).Add("i32", i32).Add("i16", i16).Add("bool", flags)
            .Add("empty", empty)
            .AddMetadata("dim", "32").AddMetadata("domains_in", "['rgb@224', 'caption']")
            .Save(path);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["f32", "bf16", "f16", "i64", "i32", "i16", "bool", "empty"], file.Names.ToArray());
        Assert.Equal("32", file.Metadata["dim"]);
        Assert.Equal(SafetensorsDtype.BF16, file.Entry("bf16").Dtype);
        Assert.Equal(0, file.Header.DataOffset % 8);
        foreach (var (name, expected) in new[] { ("f32", f32), ("bf16", bf16), ("f16", f16), ("i64", i64), ("i32", i32), ("i16", i16), ("bool", flags), ("empty", empty) })
        {
            using var read = file.ReadTensor(name);
            Assert.Equal(expected.dtype, read.dtype);
            Assert.Equal(expected.shape, read.shape);
            Assert.True(read.eq(expected).all().item<bool>(), name);
        }
        using var widened = file.ReadTensor("bf16", ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, widened.dtype);
        Assert.True(widened.eq(bf16.to_type(ScalarType.Float32)).all().item<bool>());
        Assert.Equal(f32.data<float>().ToArray(), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(file.RawBytes("f32")).ToArray());
    }

    [Fact]
    public void PythonLiteralsParseLikeTheReferenceMetadata()
    {
        Assert.Equal(new List<object?> { "rgb@224", "tok_depth@224" }, PythonLiteral.Parse("['rgb@224', 'tok_depth@224']"));
        Assert.Equal(false, PythonLiteral.Parse("False"));
        Assert.Equal(true, PythonLiteral.Parse("True"));
        Assert.Null(PythonLiteral.Parse("None"));
        Assert.Equal(32L, PythonLiteral.Parse("32"));
        Assert.Equal(4.0, PythonLiteral.Parse("4.0"));
        Assert.Equal(1e-6, PythonLiteral.Parse("1e-06"));
        Assert.Equal("SiLU", PythonLiteral.Parse("SiLU"));
        Assert.Equal(new List<object?> { 1L, "a, b", null }, PythonLiteral.Parse("(1, \"a, b\", None)"));
        var dict = Assert.IsType<Dictionary<string, object?>>(PythonLiteral.Parse("{'a': [1, 2], 'b': 'x'}"));
        Assert.Equal(new List<object?> { 1L, 2L }, dict["a"]);
        Assert.Equal("['unterminated", PythonLiteral.Parse("['unterminated"));
    }
}
