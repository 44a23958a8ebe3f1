using FourM.Tokenizers.Text.Codecs;
using Xunit;

namespace FourM.Tokenizers.Tests.Codecs;

public sealed class HumanPoseCodecTests
{
    private static HumanPose Person(Random random)
    {
        int x0 = random.Next(1000), y0 = random.Next(1000);
        return new HumanPose(x0 / 999.0, y0 / 999.0, random.Next(x0, 1000) / 999.0, random.Next(y0, 1000) / 999.0,
            Enumerable.Range(0, 8).Select(_ => random.Next(1024)).ToArray(),
            Enumerable.Range(0, 9).Select(_ => (random.Next(1000) - 499.5) / 499.5).ToArray(),
            Enumerable.Range(0, 3).Select(_ => (random.Next(1000) - 49.95) / 49.95).ToArray(),
            Enumerable.Range(0, 10).Select(_ => (random.Next(1000) - 499.5) / 166.5).ToArray());
    }

    [Fact]
    public void EncodesTheReferenceBinning()
    {
        var person = new HumanPose(0, 0.5, 1, 1, [0, 511, 512, 1023, 5, 6, 7, 8], [-1, 0, 1, 0, 0, 0, 0, 0, 0.5],
            [-2, 0, 25], [-3, 0, 3, 0, 0, 0, 0, 0, 0, 1]);
        string text = HumanPoseCodec.Encode([person]);
        // global: round(499.5x + 499.5): -1→0, 0→499.5→500 (even), 1→999, 0.5→749.25→749.
        // camera: clip to [-1, 19], round(49.95x + 49.95): -2→0, 0→49.95→50, 25→19→999.
        // shape: round(166.5x + 499.5): -3→0, 0→500, 3→999, 1→666.
        Assert.Equal("human v0=0 v1=500 v2=999 v3=999 pose v0=0 v0=511 v1=0 v1=511 v0=5 v0=6 v0=7 v0=8 " +
                     "global v0=0 v0=500 v0=999 v0=500 v0=500 v0=500 v0=500 v0=500 v0=749 camera v0=0 v0=50 v0=999 " +
                     "shape v0=0 v0=500 v0=999 v0=500 v0=500 v0=500 v0=500 v0=500 v0=500 v0=666", text);
        Assert.Equal(39, text.Split(' ').Length);
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    public void RandomPeopleRoundTripInAnyBlockOrder(int seed)
    {
        var random = new Random(seed);
        var blocks = HumanPoseCodec.DefaultBlockOrder;
        for (int n = 0; n < 100; n++)
        {
            var people = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Person(random)).ToList();
            var order = blocks.OrderBy(_ => random.Next()).ToList();
            string text = HumanPoseCodec.Encode(people, order);
            var decoded = HumanPoseCodec.Decode(text);
            Assert.Equal(people.Count, decoded.Count);
            for (int p = 0; p < people.Count; p++)
            {
                Assert.Equal((people[p].XMin, people[p].YMin, people[p].XMax, people[p].YMax),
                    (decoded[p].XMin, decoded[p].YMin, decoded[p].XMax, decoded[p].YMax));
                Assert.Equal(people[p].PoseTokens, decoded[p].PoseTokens);
                AssertClose(people[p].GlobalOrientation, decoded[p].GlobalOrientation);
                AssertClose(people[p].Camera, decoded[p].Camera);
                AssertClose(people[p].Shape, decoded[p].Shape);
            }
            Assert.Equal(text, HumanPoseCodec.Encode(decoded, order));
            CodecTokenization.AssertSurvivesTokenizer(text, HumanPoseCodec.WordsPerPerson * people.Count);
        }
    }

    [Fact]
    public void NoPeopleIsNone()
    {
        Assert.Equal("none", HumanPoseCodec.Encode([]));
        Assert.Empty(HumanPoseCodec.Decode("none [EOS]"));
    }

    [Theory]
    [InlineData("person v0=1", "expected 'human', got 'person'")]
    [InlineData("human v0=1 v1=2 v2=3", "box ends after 3 coordinate(s)")]
    [InlineData("human v0=1 v1=2 v2=3 v3=4 pose v0=1 v0=2 global", "person 0 pose has 2 value(s); it needs 8")]
    [InlineData("human v0=1 v1=2 v2=3 v3=4 pose v0=1 v0=2 v0=3 v0=4 v0=5 v0=6 v0=7 v0=512", "not a pose token")]
    [InlineData("human v0=1 v1=2 v2=3 v3=4 camera v0=1 v0=2 v0=3 camera v0=1 v0=2 v0=3", "block 'camera' appears twice")]
    [InlineData("human v0=1 v1=2 v2=3 v3=4 camera v0=1 v0=2 v0=3", "ends after 1 of its 4 blocks")]
    [InlineData("human v0=1 v1=2 v2=3 v3=4 hands v0=1", "expected a block keyword")]
    public void MalformedStringsFailWithAnExplanation(string text, string expected)
    {
        var ex = Assert.Throws<SequenceFormatException>(() => HumanPoseCodec.Decode(text));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void OutOfRangeValuesAreRejectedOnEncode()
    {
        var random = new Random(1);
        var valid = Person(random);
        Assert.Throws<ArgumentException>(() => HumanPoseCodec.Encode([valid with { PoseTokens = [1, 2, 3] }]));
        Assert.Throws<ArgumentOutOfRangeException>(() => HumanPoseCodec.Encode([valid with { PoseTokens = [1, 2, 3, 4, 5, 6, 7, 1024] }]));
        Assert.Throws<ArgumentOutOfRangeException>(() => HumanPoseCodec.Encode([valid with { Shape = [4, 0, 0, 0, 0, 0, 0, 0, 0, 0] }]));
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i], 9);
    }
}
