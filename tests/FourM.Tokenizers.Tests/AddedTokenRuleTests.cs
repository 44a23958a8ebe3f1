using FourM.Tokenizers.Text;
using Xunit;

namespace FourM.Tokenizers.Tests;

/// <summary>Added-token rules (lstrip, rstrip, normalized, single_word, leftmost-longest) on <see cref="TinyTokenizer"/>.</summary>
public sealed class AddedTokenRuleTests
{
    private readonly TextTokenizer _tokenizer = TinyTokenizer.Create();

    [Fact]
    public void LeftStripSwallowsTheSpacesBeforeTheTokenIntoItsMatch()
    {
        var e = _tokenizer.Encode("a   <mask>");
        Assert.Equal([7, 12], e.Ids);
        Assert.Equal(["a", "   <mask>"], e.Tokens);
        Assert.Equal([new TokenOffset(0, 1), new TokenOffset(1, 10)], e.Offsets);
        Assert.Equal("a <mask>", _tokenizer.Decode(e.Ids));
        Assert.Equal("a", _tokenizer.Decode(e.Ids, skipSpecialTokens: true));
    }

    [Fact]
    public void RightStripSwallowsTheSpacesAfterTheToken()
    {
        var e = _tokenizer.Encode("[SEP]   hello");
        Assert.Equal([13, 2], e.Ids);
        Assert.Equal(["[SEP]   ", "hello"], e.Tokens);
        Assert.Equal([new TokenOffset(0, 8), new TokenOffset(8, 13)], e.Offsets);
    }

    [Fact]
    public void NormalizedTokenMatchesTheLowerCasedTextAndGetsTheNextFreeId()
    {
        var e = _tokenizer.Encode("I love New York.");
        Assert.Equal([0, 0, 21, 9], e.Ids);
        Assert.Equal("new york", e.Tokens[2]);
        Assert.Equal(new TokenOffset(7, 15), e.Offsets[2]);
        Assert.Equal(21, _tokenizer.TokenToId("New York"));
        Assert.Equal("[UNK] [UNK] new york.", _tokenizer.Decode(e.Ids));
    }

    [Fact]
    public void SingleWordTokenIsRejectedNextToAWordCharacterAndNotRetriedShorter()
    {
        Assert.Equal([0, 0, 0], _tokenizer.Encode("newyork New Yorks").Ids);
        Assert.Equal([0, 0, 0, 0], _tokenizer.Encode("I love NEW  YORK").Ids);
    }

    [Fact]
    public void TokenWithoutSingleWordSplitsWordsAndMatchesLeftmostLongest()
    {
        var e = _tokenizer.Encode("axxb");
        Assert.Equal([7, 20, 15], e.Ids);
        Assert.Equal([new TokenOffset(0, 1), new TokenOffset(1, 3), new TokenOffset(3, 4)], e.Offsets);
        Assert.Equal([20, 10], _tokenizer.Encode("xxx").Ids);
        Assert.Equal([5, 20, 20], _tokenizer.Encode("hexxxx").Ids);
    }

    [Fact]
    public void WordsLongerThanMaxInputCharsOrNotCoverableBecomeOneUnknown()
    {
        var e = _tokenizer.Encode("hellos worlds helloworld");
        Assert.Equal([0, 0, 0], e.Ids);
        Assert.Equal([new TokenOffset(0, 6), new TokenOffset(7, 13), new TokenOffset(14, 24)], e.Offsets);
    }

    [Fact]
    public void DecoderGluesContinuationsAndCleansUpEachTokenSeparately()
    {
        var e = _tokenizer.Encode("Hello, World. He don't , . ?");
        Assert.Equal(["hello", ",", "world", ".", "he", "don", "'", "t", ",", ".", "?"], e.Tokens);
        // " ' " is a cleanup rule for the joined text, but cleanup runs per token, so the apostrophe keeps its spaces.
        Assert.Equal("hello, world. he don ' t,.?", _tokenizer.Decode(e.Ids));
        Assert.Equal("hello", _tokenizer.Decode([5, 6]));
        // Only tokens after the first lose the prefix.
        Assert.Equal("##llo he", _tokenizer.Decode([6, 5]));
    }

    [Fact]
    public void DecodeDropsIdsWithoutAToken()
    {
        Assert.Equal("hello world", _tokenizer.Decode([2, 999, -1, 3]));
    }
}
