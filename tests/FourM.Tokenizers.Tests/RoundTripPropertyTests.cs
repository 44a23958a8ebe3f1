using System.Text;
using FourM.Tokenizers.Text;
using Xunit;

namespace FourM.Tokenizers.Tests;

/// <summary>
/// decode(encode(x)) equals an independently written normalisation of x, for random plain text over a character set
/// where WordPiece loses nothing (ASCII letters and digits, whitespace and the punctuation . , ! ? ; : - ( )).
/// </summary>
public sealed class RoundTripPropertyTests
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string Punctuation = ".,!?;:-()";
    private const string Spaces = " \t\n";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void DecodeOfEncodeIsLowerCasedTextWithPunctuationSpacedAndCleanedUp(int seed)
    {
        var random = new Random(seed);
        for (int n = 0; n < 500; n++)
        {
            string text = RandomText(random);
            var encoding = TextTokenizer.Default.Encode(text);
            Assert.DoesNotContain(TextTokenizer.Default.Model.UnknownId, encoding.Ids);
            Assert.Equal(ExpectedDecode(text), TextTokenizer.Default.Decode(encoding.Ids));
        }
    }

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        int words = random.Next(0, 12);
        for (int w = 0; w < words; w++)
        {
            int length = random.Next(1, 15);
            for (int i = 0; i < length; i++) text.Append(Letters[random.Next(Letters.Length)]);
            if (random.Next(3) == 0) text.Append(Punctuation[random.Next(Punctuation.Length)]);
            text.Append(Spaces[random.Next(Spaces.Length)], random.Next(0, 3));
        }
        return text.ToString();
    }

    /// <summary>Lower-case, one space between words and around punctuation, then the decoder's spacing cleanup.</summary>
    private static string ExpectedDecode(string text)
    {
        var spaced = new StringBuilder();
        foreach (char c in text.ToLowerInvariant())
        {
            if (Punctuation.Contains(c)) spaced.Append(' ').Append(c).Append(' ');
            else if (Spaces.Contains(c)) spaced.Append(' ');
            else spaced.Append(c);
        }
        string joined = string.Join(' ', spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return joined.Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",");
    }
}
