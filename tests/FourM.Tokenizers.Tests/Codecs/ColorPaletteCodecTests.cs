using FourM.Tokenizers.Text.Codecs;
using Xunit;

namespace FourM.Tokenizers.Tests.Codecs;

public sealed class ColorPaletteCodecTests
{
    [Fact]
    public void EncodesCountThenChannels()
    {
        Assert.Equal("v1=2 v0=255 v0=0 v0=10 v0=1 v0=2 v0=3",
            ColorPaletteCodec.Encode([new PaletteColor(255, 0, 10), new PaletteColor(1, 2, 3)]));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public void RandomPalettesRoundTrip(int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < 200; n++)
        {
            var colors = Enumerable.Range(0, random.Next(1, ColorPaletteCodec.MaxTrainedColors + 1))
                .Select(_ => new PaletteColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256))).ToList();
            string text = ColorPaletteCodec.Encode(colors);
            Assert.Equal(colors, ColorPaletteCodec.Decode(text));
            CodecTokenization.AssertSurvivesTokenizer(text, 1 + 3 * colors.Count);
        }
    }

    [Theory]
    [InlineData("v1=2 v0=1 v0=2 v0=3", "announces 2 colours (6 channel values), found 3 values")]
    [InlineData("v1=1 v0=1 v0=2 v0=256", "256 is outside 0..255")]
    [InlineData("v0=1 v0=2 v0=3", "expected v1=…")]
    [InlineData("v1=1 v0=1 v1=2 v0=3", "expected v0=…, got 'v1=2'")]
    [InlineData("", "empty palette")]
    public void MalformedStringsFailWithAnExplanation(string text, string expected)
    {
        var ex = Assert.Throws<SequenceFormatException>(() => ColorPaletteCodec.Decode(text));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void EmptyPaletteIsRejectedOnEncode() =>
        Assert.Throws<ArgumentException>(() => ColorPaletteCodec.Encode([]));
}
