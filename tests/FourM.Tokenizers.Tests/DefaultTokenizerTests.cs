using FourM.Tokenizers.Text;
using FourM.Tokenizers.Text.SpanMasking;
using Xunit;

namespace FourM.Tokenizers.Tests;

/// <summary>
/// Behaviour of the embedded 4M tokenizer beyond the golden cases. Expected values are hand-derived from the reference
/// rules and were confirmed with the reference library.
/// </summary>
public sealed class DefaultTokenizerTests
{
    private static TextTokenizer Tokenizer => TextTokenizer.Default;

    [Fact]
    public void EmbeddedTokenizerHasThe4MVocabulary()
    {
        Assert.Equal(30000, Tokenizer.VocabularySize);
        Assert.Equal(4284, Tokenizer.AddedTokens.Count);
        Assert.Equal(4255, Tokenizer.TokenToId("potted plant"));
        Assert.Equal("v0=796", Tokenizer.IdToToken(1000));
    }

    [Fact]
    public void OffsetsPointIntoTheOriginalText()
    {
        const string text = "Café, Potted Plant!";
        var e = Tokenizer.Encode(text);
        Assert.Equal(["cafe", ",", "potted plant", "!"], e.Tokens);
        Assert.Equal([7312, 4294, 4255, 4284], e.Ids);
        Assert.Equal(["Café", ",", "Potted Plant", "!"], e.Offsets.Select(o => text[o.Start..o.End]));
    }

    [Fact]
    public void OffsetsCountUtf16UnitsAndSurvivePaddedIdeographs()
    {
        const string text = "new\u00a0york\u3000中文 \ud835\udc00bc";
        var e = Tokenizer.Encode(text);
        Assert.Equal(["new", "york", "中", "文", "[UNK]"], e.Tokens);
        Assert.Equal(["new", "york", "中", "文", "\ud835\udc00bc"], e.Offsets.Select(o => text[o.Start..o.End]));
    }

    [Fact]
    public void CharacterClassesFollowUnicode9LikeTheReference()
    {
        // U+0890 became a format character (Cf) in Unicode 14. In the reference's Unicode 9 tables it is unassigned,
        // so the normaliser keeps it and the word is unknown; newer tables would delete it and yield "ab".
        Assert.Equal(["[UNK]"], Tokenizer.Encode("a\u0890b").Tokens);
        // U+200B is Cf in Unicode 9: deleted.
        Assert.Equal(Tokenizer.Encode("zerowidth").Ids, Tokenizer.Encode("zero\u200bwidth").Ids);
    }

    [Fact]
    public void AccentsAreStrippedBeforeLowerCasing()
    {
        Assert.Equal(["istanbul"], Tokenizer.Encode("İstanbul").Tokens);
        Assert.Equal(Tokenizer.Encode("resume").Ids, Tokenizer.Encode("RÉSUMÉ").Ids);
    }

    [Fact]
    public void EncodeIdsAgreesWithEncode()
    {
        const string text = "[S_1] v0=12 v1=250 v2=420 v3=999 Potted Plant, a dog!! [EOS]";
        var ids = new List<int> { 42 };
        Tokenizer.EncodeIds(text, ids);
        Assert.Equal(Tokenizer.Encode(text).Ids, Tokenizer.EncodeIds(text));
        Assert.Equal([42, .. Tokenizer.Encode(text).Ids], ids);
    }

    [Fact]
    public void UnpairedSurrogateIsRejectedWithAClearMessage()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tokenizer.Encode("ab\ud800c"));
        Assert.Contains("surrogate at index 2", ex.Message);
    }

    [Fact]
    public void SentinelAndControlIdsMatchTheReferenceTable()
    {
        var s = SentinelTokens.Default;
        Assert.Equal((0, 1, 2, 3), (s.PadId, s.UnknownId, s.StartId, s.EndId));
        Assert.Equal(200, s.Count);
        Assert.Equal(5, s.IdOf(1));
        Assert.Equal(203, s.IdOf(199));
        Assert.Equal(199, s.IndexOf(203));
        Assert.Null(s.IndexOf(204));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.IdOf(200));
    }
}
