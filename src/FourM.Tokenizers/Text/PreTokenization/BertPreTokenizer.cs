using FourM.Tokenizers.Text.Unicode;

namespace FourM.Tokenizers.Text.PreTokenization;

/// <summary>
/// BERT pre-tokeniser (<c>pre_tokenizers/bert.rs</c>): split on whitespace (removed), then isolate every punctuation
/// character (ASCII punctuation and symbols, Unicode 9.0 P* categories) as its own word.
/// </summary>
internal static class BertPreTokenizer
{
    /// <summary>Calls <paramref name="onWord"/>(start, end) for each word of <paramref name="text"/>, in order.</summary>
    public static void Split<TWordSink>(ReadOnlySpan<char> text, ref TWordSink onWord) where TWordSink : struct, IWordSink
    {
        int wordStart = -1;
        int i = 0;
        while (i < text.Length)
        {
            int c = text[i];
            int width = 1;
            if (char.IsHighSurrogate((char)c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                c = char.ConvertToUtf32((char)c, text[i + 1]);
                width = 2;
            }
            if (BertCharacterClasses.IsWhiteSpace(c))
            {
                if (wordStart >= 0) { onWord.Word(wordStart, i); wordStart = -1; }
            }
            else if (BertCharacterClasses.IsBertPunctuation(c))
            {
                if (wordStart >= 0) { onWord.Word(wordStart, i); wordStart = -1; }
                onWord.Word(i, i + width);
            }
            else if (wordStart < 0)
            {
                wordStart = i;
            }
            i += width;
        }
        if (wordStart >= 0) onWord.Word(wordStart, text.Length);
    }
}

internal interface IWordSink
{
    void Word(int start, int end);
}
