using FourM.Tokenizers.Text.Codecs;
using Xunit;

namespace FourM.Tokenizers.Tests.Codecs;

public sealed class DetectionCodecTests
{
    [Fact]
    public void DecodesTheNotebookExample()
    {
        var boxes = DetectionCodec.Decode("v0=0 v1=250 v2=420 v3=999 potted plant v0=400 v1=12 v2=555 v3=777 bottle [EOS]");
        Assert.Equal(2, boxes.Count);
        Assert.Equal(new DetectionBox(0, 250 / 999.0, 420 / 999.0, 1, "potted plant"), boxes[0]);
        Assert.Equal(new DetectionBox(400 / 999.0, 12 / 999.0, 555 / 999.0, 777 / 999.0, "bottle"), boxes[1]);
    }

    [Fact]
    public void EncodeSortsByDistanceToOriginAndRoundsHalfToEven()
    {
        var boxes = new[]
        {
            new DetectionBox(0.5, 0.5, 0.75, 1.0, "dog"),
            new DetectionBox(0.25, 0.0, 0.5, 0.5, "hot  dog"),
        };
        // 0.5·999 = 499.5 rounds to 500 (even); 0.25·999 = 249.75 → 250; 0.75·999 = 749.25 → 749.
        Assert.Equal("v0=250 v1=0 v2=500 v3=500 hot dog v0=500 v1=500 v2=749 v3=999 dog", DetectionCodec.Encode(boxes));
        Assert.Equal("v0=500 v1=500 v2=749 v3=999 dog v0=250 v1=0 v2=500 v3=500 hot dog",
            DetectionCodec.Encode(boxes, DetectionOrder.AsGiven));
    }

    [Fact]
    public void EncodeDropsBoxesBelowTheScoreThreshold()
    {
        var boxes = new[] { new DetectionBox(0, 0, 1, 1, "cat", 0.59), new DetectionBox(0, 0, 1, 1, "dog", 0.6) };
        Assert.Equal("v0=0 v1=0 v2=999 v3=999 dog", DetectionCodec.Encode(boxes, minScore: DetectionCodec.ReferenceScoreThreshold));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void RandomBoxesRoundTripThroughStringAndTokenizer(int seed)
    {
        var random = new Random(seed);
        var names = CodecTokenization.CocoClassNames;
        for (int n = 0; n < 200; n++)
        {
            var boxes = Enumerable.Range(0, random.Next(1, 8)).Select(_ =>
            {
                int x0 = random.Next(1000), y0 = random.Next(1000);
                return new DetectionBox(x0 / 999.0, y0 / 999.0, random.Next(x0, 1000) / 999.0, random.Next(y0, 1000) / 999.0,
                    names[random.Next(names.Count)]);
            }).ToList();
            string text = DetectionCodec.Encode(boxes, DetectionOrder.AsGiven);
            Assert.Equal(boxes, DetectionCodec.Decode(text));
            CodecTokenization.AssertSurvivesTokenizer(text, 5 * boxes.Count);
        }
    }

    [Theory]
    [InlineData("v0=1 v1=2 v2=3 dog", "box 0 has 3 coordinate(s) before 'dog'")]
    [InlineData("v0=1 v1=2 v2=3 v3=1000 dog", "bin 1000 in 'v3=1000' is outside 0..999")]
    [InlineData("v0=1 v1=2 v2=3 v3=4", "box 0 has no class name")]
    [InlineData("dog v0=1 v1=2 v2=3 v3=4", "expected v0=… to start a box, got 'dog'")]
    [InlineData("v0=1 v2=2 v1=3 v3=4 dog", "expected v1=…, got 'v2=2'")]
    [InlineData("v0=1 v1=2 v2=3 v3=4 dog v0=5 v1=6", "box 1 ends after 2 coordinate(s)")]
    [InlineData("v0=07 v1=2 v2=3 v3=4 dog", "leading zero")]
    [InlineData("v5=1 v1=2 v2=3 v3=4 dog", "only v0..v3 exist")]
    [InlineData("[S_1] v0=1 v1=2 v2=3 v3=4 dog", "unmerged sentinel '[S_1]'")]
    public void MalformedStringsFailWithAnExplanation(string text, string expected)
    {
        var ex = Assert.Throws<SequenceFormatException>(() => DetectionCodec.Decode(text));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("det: ", ex.Message);
    }

    [Fact]
    public void InvalidBoxesAreRejectedOnEncode()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DetectionCodec.Encode([new DetectionBox(-0.1, 0, 1, 1, "dog")]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DetectionCodec.Encode([new DetectionBox(0, double.NaN, 1, 1, "dog")]));
        Assert.Throws<ArgumentException>(() => DetectionCodec.Encode([new DetectionBox(0, 0, 1, 1, " ")]));
    }
}

public sealed class DetectionLenientDecodeTests
{
    [Fact]
    public void KeepsOnlyCompleteValidBoxes()
    {
        const string text = "junk v0=1 v1=2 v2=3 dog v0=10 v1=20 v2=30 v3=40 hot dog [S_2] v0=5 v1=6 v2=7 v3=1000 cat " +
                            "v0=100 v1=200 v2=300 v3=400 v0=7 v1=8 v2=9 v3=10 person [EOS]";
        var boxes = DetectionCodec.DecodeLenient(text);
        Assert.Equal(
            [new DetectionBox(10 / 999.0, 20 / 999.0, 30 / 999.0, 40 / 999.0, "hot dog"), new DetectionBox(7 / 999.0, 8 / 999.0, 9 / 999.0, 10 / 999.0, "person")],
            boxes);
    }

    [Fact]
    public void AgreesWithStrictDecodeOnWellFormedText()
    {
        const string text = "v0=0 v1=250 v2=420 v3=999 potted plant v0=400 v1=12 v2=555 v3=777 bottle";
        Assert.Equal(DetectionCodec.Decode(text), DetectionCodec.DecodeLenient(text));
    }
}

public sealed class CoordinateTokenTests
{
    [Theory]
    [InlineData("v0=0", 0, 0)]
    [InlineData("v3=999", 3, 999)]
    [InlineData("v1=42", 1, 42)]
    public void ParsesCanonicalTokens(string word, int axis, int bin)
    {
        Assert.True(CoordinateToken.TryParse(word, out var token));
        Assert.Equal(new CoordinateToken(axis, bin), token);
        Assert.Equal(word, token.ToString());
        Assert.Equal(token, CoordinateToken.Parse(word, "test", "here"));
    }

    [Theory]
    [InlineData("v0=1000")]
    [InlineData("v4=1")]
    [InlineData("v0=07")]
    [InlineData("v0=-1")]
    [InlineData("v0=")]
    [InlineData("v0=1.5")]
    [InlineData("V0=1")]
    public void RejectsWhatIsNotASingleVocabularyToken(string word)
    {
        Assert.False(CoordinateToken.TryParse(word, out _));
        Assert.Throws<SequenceFormatException>(() => CoordinateToken.Parse(word, "test", "here"));
        Assert.Null(FourM.Tokenizers.Text.TextTokenizer.Default.TokenToId(word));
    }
}
