using FourM.Client.Outputs;
using FourM.Tokenizers.Text;
using Xunit;

namespace FourM.Serving.Tests.Platform.Gateway;

public sealed class WordPieceTextDecoderTests
{
    private static readonly TextTokenizer Tokenizer = TextTokenizer.Default;

    [Fact]
    public void DecodesWhatTheTokenizerEncodesKeepingClassNameTokens()
    {
        // "bus" is an added (special) token in the 4M vocabulary, as every COCO class name is.
        var ids = Tokenizer.EncodeIds("a photo of a red bus").Select(i => (long)i).ToList();

        Assert.Equal("a photo of a red bus", WordPieceTextDecoder.CreateDefault().Decode(ids));
    }

    [Fact]
    public void DropsMarkersPaddingAndSentinels()
    {
        long Id(string token) => Tokenizer.TokenToId(token) ?? throw new InvalidOperationException(token);
        var ids = new List<long> { Id("[SOS]"), Id("[S_0]") }
            .Concat(Tokenizer.EncodeIds("a red bus").Select(i => (long)i))
            .Concat([Id("[S_1]"), Id("[EOS]"), Id("[PAD]"), Id("[PAD]")]).ToList();

        Assert.Equal("a red bus", WordPieceTextDecoder.CreateDefault().Decode(ids));
    }

    [Fact]
    public void HandlesTextModalitiesOnly()
    {
        var decoder = WordPieceTextDecoder.CreateDefault();

        Assert.True(decoder.Handles("caption"));
        Assert.False(decoder.Handles("tok_rgb@224"));
    }
}
