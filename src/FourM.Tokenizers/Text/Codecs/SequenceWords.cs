namespace FourM.Tokenizers.Text.Codecs;

/// <summary>
/// Splits a decoded sequence into words for the codecs: whitespace-separated, with [EOS] and [PAD] dropped (as the
/// reference's decoders strip them). An unmerged sentinel is an error: merge the generated spans first.
/// </summary>
internal static class SequenceWords
{
    public static List<string> Split(string text, string modality)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (word is "[EOS]" or "[PAD]") continue;
            if (word.StartsWith("[S_", StringComparison.Ordinal))
                throw new SequenceFormatException(modality, $"unmerged sentinel '{word}'; merge the generated spans into the input first");
            words.Add(word);
        }
        return words;
    }

    /// <summary>Python's <c>round</c> (half to even), as the reference bins values.</summary>
    public static int RoundHalfEven(double value) => (int)Math.Round(value, MidpointRounding.ToEven);

    public static void RequireFinite(double value, string name)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number");
    }
}
