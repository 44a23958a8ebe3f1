using FourM.Tokenizers.Text;
using Xunit;

namespace FourM.Tokenizers.Tests.Codecs;

/// <summary>Checks that a codec string survives the text tokenizer: one token per value word, decoded back unchanged.</summary>
internal static class CodecTokenization
{
    public static void AssertSurvivesTokenizer(string text, int expectedTokens)
    {
        var encoding = TextTokenizer.Default.Encode(text);
        Assert.DoesNotContain(TextTokenizer.Default.Model.UnknownId, encoding.Ids);
        Assert.Equal(expectedTokens, encoding.Count);
        Assert.Equal(text, TextTokenizer.Default.Decode(encoding.Ids));
    }

    public static IReadOnlyList<string> CocoClassNames { get; } =
        TextTokenizer.Default.AddedTokens.Where(t => t.Normalized).Select(t => t.Content).ToList();
}
