using FourM.Tokenizers.Text.Unicode;

namespace FourM.Tokenizers.Text.AddedTokens;

/// <summary>
/// Finds added tokens the way <c>AddedVocabulary::find_matches</c> does: a leftmost-longest, non-overlapping scan over
/// all patterns (an Aho-Corasick automaton there, a trie walk here). A match rejected by <c>single_word</c> is still
/// consumed: the scan resumes after it, so a shorter pattern inside it is not tried (<c>v0=1000</c> does not yield
/// <c>v0=100</c> nor <c>v0=1</c>).
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly CharTrie _trie;
    private readonly List<(AddedToken Token, string Pattern)> _entries = new();

    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> patterns)
    {
        var builder = new CharTrie.Builder();
        foreach (var (pattern, token) in patterns)
        {
            if (pattern.Length == 0) continue;
            // With duplicate patterns the last one added wins.
            builder.Add(pattern, _entries.Count);
            _entries.Add((token, pattern));
        }
        _trie = builder.Build();
        IsEmpty = _entries.Count == 0;
    }

    public bool IsEmpty { get; }

    /// <summary>Appends the accepted matches inside <paramref name="text"/> (the whole searched piece) in order.</summary>
    public void FindMatches(ReadOnlySpan<char> text, List<AddedTokenMatch> matches)
    {
        if (IsEmpty) return;
        int position = 0, lastEnd = 0;
        while (position < text.Length)
        {
            int node = CharTrie.RootNode, matchEnd = -1, entry = -1;
            for (int j = position; j < text.Length; j++)
            {
                if (!_trie.TryStep(ref node, text[j])) break;
                int value = _trie.ValueAt(node);
                if (value >= 0) { entry = value; matchEnd = j + 1; }
            }
            if (entry < 0) { position++; continue; }
            var (token, pattern) = _entries[entry];

            int start = position, stop = matchEnd;
            position = matchEnd;
            if (token.SingleWord && !(IsWordBoundaryBefore(text, start) && IsWordBoundaryAfter(text, stop))) continue;
            if (token.LeftStrip)
            {
                int newStart = start;
                while (newStart > 0 && IsWhiteSpaceBefore(text, newStart, out int width)) newStart -= width;
                start = Math.Max(newStart, lastEnd);
            }
            if (token.RightStrip)
            {
                while (stop < text.Length && IsWhiteSpaceAt(text, stop, out int width)) stop += width;
                position = stop;
            }
            matches.Add(new AddedTokenMatch(start, stop, token, pattern));
            lastEnd = stop;
        }
    }

    private static bool IsWordBoundaryBefore(ReadOnlySpan<char> text, int index) =>
        index == 0 || !BertCharacterClasses.IsWordCharacter(CodePointBefore(text, index, out _));

    private static bool IsWordBoundaryAfter(ReadOnlySpan<char> text, int index) =>
        index == text.Length || !BertCharacterClasses.IsWordCharacter(CodePointAt(text, index, out _));

    private static bool IsWhiteSpaceBefore(ReadOnlySpan<char> text, int index, out int width) =>
        BertCharacterClasses.IsWhiteSpace(CodePointBefore(text, index, out width));

    private static bool IsWhiteSpaceAt(ReadOnlySpan<char> text, int index, out int width) =>
        BertCharacterClasses.IsWhiteSpace(CodePointAt(text, index, out width));

    private static int CodePointAt(ReadOnlySpan<char> text, int index, out int width)
    {
        char c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }
        width = 1;
        return c;
    }

    private static int CodePointBefore(ReadOnlySpan<char> text, int index, out int width)
    {
        char c = text[index - 1];
        if (char.IsLowSurrogate(c) && index >= 2 && char.IsHighSurrogate(text[index - 2]))
        {
            width = 2;
            return char.ConvertToUtf32(text[index - 2], c);
        }
        width = 1;
        return c;
    }
}
