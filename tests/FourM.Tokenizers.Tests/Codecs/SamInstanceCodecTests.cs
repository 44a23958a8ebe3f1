using FourM.Tokenizers.Text.Codecs;
using Xunit;

namespace FourM.Tokenizers.Tests.Codecs;

public sealed class SamInstanceCodecTests
{
    private static readonly int[] Mask = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 511, 512, 1023];

    [Fact]
    public void EncodesPointAsYThenXAndMaskTokensSplitAt512()
    {
        var points = new[]
        {
            new SamQueryPoint(X: 50, Y: 100, [new SamInstance(1, 2, 30, 40, Mask)]),
            new SamQueryPoint(X: 7, Y: 5, []),
        };
        Assert.Equal("point v0=100 v1=50 polygon v0=1 v1=2 v2=30 v3=40 v0=0 v0=1 v0=2 v0=3 v0=4 v0=5 v0=6 v0=7 v0=8 v0=9 " +
                     "v0=10 v0=11 v0=12 v0=511 v1=0 v1=511 point v0=5 v1=7 none", SamInstanceCodec.Encode(points));
    }

    [Theory]
    [InlineData(51)]
    [InlineData(52)]
    public void RandomInstancesRoundTrip(int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < 100; n++)
        {
            var points = Enumerable.Range(0, random.Next(1, 5)).Select(_ => new SamQueryPoint(random.Next(224), random.Next(224),
                Enumerable.Range(0, random.Next(0, 3)).Select(_ =>
                {
                    int x0 = random.Next(223), y0 = random.Next(223);
                    return new SamInstance(x0, y0, random.Next(x0 + 1, 224), random.Next(y0 + 1, 224),
                        Enumerable.Range(0, 16).Select(_ => random.Next(1024)).ToArray());
                }).ToList())).ToList();
            string text = SamInstanceCodec.Encode(points);
            var decoded = SamInstanceCodec.Decode(text);
            Assert.Equal(text, SamInstanceCodec.Encode(decoded));
            Assert.Equal(points.Select(p => (p.X, p.Y, p.Instances.Count)), decoded.Select(p => (p.X, p.Y, p.Instances.Count)));
            int words = points.Sum(p => 3 + (p.Instances.Count == 0 ? 1 : 21 * p.Instances.Count));
            CodecTokenization.AssertSurvivesTokenizer(text, words);
        }
    }

    [Theory]
    [InlineData("point v0=1 v1=2 polygon v0=1 v1=2 v2=3", "polygon 0 has 3 box value(s)")]
    [InlineData("point v0=1 v1=2 polygon v0=5 v1=2 v2=3 v3=4 v0=1", "needs xmin < xmax")]
    [InlineData("point v0=1 v1=2 polygon v0=1 v1=2 v2=3 v3=4 v0=1 v0=2", "has 2 mask token(s); it needs 16")]
    [InlineData("point v0=1 v1=2 dog", "expected 'none' or 'polygon', got 'dog'")]
    [InlineData("point v0=1", "needs 'v0=<y> v1=<x>'")]
    [InlineData("polygon v0=1 v1=2 v2=3 v3=4", "expected 'point', got 'polygon'")]
    public void MalformedStringsFailWithAnExplanation(string text, string expected)
    {
        var ex = Assert.Throws<SequenceFormatException>(() => SamInstanceCodec.Decode(text));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void InvalidInstancesAreRejectedOnEncode()
    {
        Assert.Throws<ArgumentException>(() => SamInstanceCodec.Encode([new SamQueryPoint(1, 1, [new SamInstance(5, 2, 3, 4, Mask)])]));
        Assert.Throws<ArgumentException>(() => SamInstanceCodec.Encode([new SamQueryPoint(1, 1, [new SamInstance(1, 2, 3, 4, [1, 2])])]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamInstanceCodec.Encode([new SamQueryPoint(1000, 1, [])]));
    }
}
