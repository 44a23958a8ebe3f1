using FourM.Tokenizers.Text;
using FourM.Tokenizers.Text.SpanMasking;
using Xunit;

namespace FourM.Tokenizers.Tests;

/// <summary>merge_span_masking semantics, with expectations worked out from the reference code by hand.</summary>
public sealed class SpanMergingTests
{
    // Ids 4..203 are the sentinels [S_0]..[S_199]; 5100+ are ordinary words.
    private const int S1 = 5, S2 = 6, S3 = 7;
    private static readonly IReadOnlySet<int> Sentinels = SentinelTokens.Default.Ids;

    [Fact]
    public void EachSentinelIsReplacedByTheSpanThatFollowedItInTheDecoderOutput()
    {
        int[] input = [5100, S1, 5101, S2];
        int[] decoded = [S1, 5200, 5201, S2, 5202, S3];
        Assert.Equal([5100, 5200, 5201, 5101, 5202], SpanMerging.Merge(input, decoded, Sentinels));
    }

    [Fact]
    public void RepeatedSentinelCollectsBothSpansAndLeadingTokensAreDropped()
    {
        int[] decoded = [5300, S1, 5200, S2, 5201, S1, 5202];
        var splits = SpanMerging.SplitBySentinel(decoded, Sentinels, out var before);
        Assert.Equal([5300], before);
        Assert.Equal([5200, 5202], splits[S1]);
        Assert.Equal([5200, 5202], SpanMerging.Merge([S1], decoded, Sentinels));
    }

    [Fact]
    public void SentinelTheDecoderNeverProducedMergesToNothing()
    {
        Assert.Equal([5100, 5101], SpanMerging.Merge([5100, S3, 5101], [S1, 5200], Sentinels));
    }

    [Fact]
    public void MergesTextAsTheSamplerDoes()
    {
        var tokenizer = TextTokenizer.Default;
        int[] input = tokenizer.EncodeIds("a [S_1] on the [S_2] [EOS]");
        int[] generated = tokenizer.EncodeIds("[S_1] red car parked [S_2] street [S_3]");
        Assert.Equal("a red car parked on the street [EOS]", tokenizer.Decode(SpanMerging.Merge(input, generated, Sentinels)));
    }
}
