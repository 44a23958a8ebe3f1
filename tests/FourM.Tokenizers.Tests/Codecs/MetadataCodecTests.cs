using FourM.Tokenizers.Text.Codecs;
using Xunit;

namespace FourM.Tokenizers.Tests.Codecs;

public sealed class MetadataCodecTests
{
    [Fact]
    public void FieldIdsAreTheReferenceMap()
    {
        Assert.Equal(21, MetadataCodec.Fields.Count);
        Assert.Equal(Enumerable.Range(0, 21), MetadataCodec.Fields.Select(f => f.Id));
        Assert.Equal(16, MetadataCodec.Field("semantic_diversity").Id);
        Assert.Equal(20, MetadataCodec.Field("aesthetic_score").Id);
    }

    [Fact]
    public void EncodeBinsEachFieldAsTheReference()
    {
        var metadata = new Dictionary<string, double>
        {
            // 640 // 32 = 20; int(128/255·49) = 24; 5.0 is in [4.5, 5.5) → 1; 3 stays 3; 5000 clamps to 999;
            // walkability 2.0 clamps to 1 → 49; width 40000 // 32 = 1250 clamps to 999.
            ["original_width"] = 640, ["brightness"] = 128, ["aesthetic_score"] = 5.0, ["n_humans"] = 3,
            ["caption_n_chars"] = 5000, ["walkability"] = 2.0, ["original_height"] = 40000,
        };
        Assert.Equal("v1=0 v0=20 v1=10 v0=24 v1=20 v0=1 v1=5 v0=3 v1=2 v0=999 v1=14 v0=49 v1=1 v0=999", MetadataCodec.Encode(metadata));
    }

    [Fact]
    public void DecodeFollowsTheReferenceFormulasAndFieldOrder()
    {
        var decoded = MetadataCodec.Decode("v1=10 v0=24 v1=0 v0=20 v1=20 v0=1 [EOS] [PAD]");
        Assert.Equal(["original_width", "brightness", "aesthetic_score"], decoded.Keys);
        Assert.Equal(640, decoded["original_width"]);
        Assert.Equal(255 * (24 / 50.0), decoded["brightness"], 12);
        Assert.Equal(1, decoded["aesthetic_score"]);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void RandomMetadataRoundTripsWithRepresentativeValues(int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < 200; n++)
        {
            var fields = MetadataCodec.Fields.OrderBy(_ => random.Next()).Take(random.Next(1, 22)).ToList();
            var bins = fields.Select(f => f.Binning switch
            {
                MetadataBinning.MinMax => random.Next(f.Bins),
                MetadataBinning.Manual => random.Next(f.Boundaries!.Count + 1),
                _ => random.Next(1000),
            }).ToList();
            string text = string.Join(' ', fields.Select((f, i) => $"v1={f.Id} v0={bins[i]}"));
            var values = MetadataCodec.Decode(text, MetadataDecoding.Representative);
            Assert.Equal(text, MetadataCodec.Encode(fields.Select(f => KeyValuePair.Create(f.Name, values[f.Name]))));
            CodecTokenization.AssertSurvivesTokenizer(text, 2 * fields.Count);
        }
    }

    [Theory]
    [InlineData("v1=21 v0=3", "unknown field id v1=21")]
    [InlineData("v1=5", "(n_humans) has no v0= value")]
    [InlineData("v1=5 v0=1000", "outside 0..999")]
    [InlineData("v0=5 v1=3", "expected v1=…, got 'v0=5'")]
    [InlineData("v1=9 v0=50", "bin 50 outside its 0..49")]
    [InlineData("v1=20 v0=3", "exceeds its 3 intervals")]
    [InlineData("v1=5 v0=1 v1=5 v0=2", "appears twice")]
    public void MalformedStringsFailWithAnExplanation(string text, string expected)
    {
        var ex = Assert.Throws<SequenceFormatException>(() => MetadataCodec.Decode(text));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void UnknownFieldsAndNonIntegralCountsAreRejectedOnEncode()
    {
        var ex = Assert.Throws<ArgumentException>(() => MetadataCodec.Encode([KeyValuePair.Create("colour", 1.0)]));
        Assert.Contains("unknown metadata field 'colour'", ex.Message);
        Assert.Throws<ArgumentException>(() => MetadataCodec.Encode([KeyValuePair.Create("n_humans", 1.5)]));
    }
}
