using System.Text.Json.Nodes;
using FourM.Tokenizers.Text;
using Xunit;

namespace FourM.Tokenizers.Tests;

/// <summary>Loading errors name the offending key instead of tokenising differently from the reference.</summary>
public sealed class TokenizerJsonTests
{
    private static string Mutate(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(TinyTokenizer.Json)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    [Fact]
    public void UnsupportedComponentsAreRejectedByKey()
    {
        var ex = Assert.Throws<FormatException>(() => TextTokenizer.FromJson(
            Mutate(r => r["normalizer"] = new JsonObject { ["type"] = "NFKC" }), "bad.json"));
        Assert.Equal("bad.json: 'normalizer.type' must be \"BertNormalizer\" or a null normalizer, got \"NFKC\"", ex.Message);
        ex = Assert.Throws<FormatException>(() => TextTokenizer.FromJson(Mutate(r => r["model"]!["type"] = "BPE"), "bad.json"));
        Assert.Contains("'model.type' must be \"WordPiece\"", ex.Message);
        ex = Assert.Throws<FormatException>(() => TextTokenizer.FromJson(
            Mutate(r => r["post_processor"] = new JsonObject { ["type"] = "BertProcessing" }), "bad.json"));
        Assert.Contains("'post_processor' must be null", ex.Message);
    }

    [Fact]
    public void MissingUnknownTokenAndBadIdsAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => TextTokenizer.FromJson(Mutate(r => r["model"]!["unk_token"] = "<unk>")));
        Assert.Contains("unk_token '<unk>' is not in the vocabulary", ex.Message);
        var format = Assert.Throws<FormatException>(() => TextTokenizer.FromJson(Mutate(r => r["model"]!["vocab"]!["a"] = "seven")));
        Assert.Contains("model.vocab[\"a\"]", format.Message);
    }

    [Fact]
    public void MissingFileIsReportedWithItsPath() =>
        Assert.Contains("/no/such/tokenizer.json", Assert.Throws<FileNotFoundException>(() => TextTokenizer.FromFile("/no/such/tokenizer.json")).Message);

    [Fact]
    public void NullComponentsMeanIdentityAndSpaceJoinedDecode()
    {
        var tokenizer = TextTokenizer.FromJson(Mutate(r =>
        {
            r["normalizer"] = null;
            r["pre_tokenizer"] = null;
            r["decoder"] = null;
        }));
        // Without normaliser nothing is lower-cased; without pre-tokeniser the whole piece is one "word".
        Assert.Equal([0], tokenizer.Encode("hello world").Ids);
        Assert.Equal([2], tokenizer.Encode("hello").Ids);
        Assert.Equal([0], tokenizer.Encode("Hello").Ids);
        Assert.Equal("he ##llo world", tokenizer.Decode([5, 6, 3]));
    }
}
