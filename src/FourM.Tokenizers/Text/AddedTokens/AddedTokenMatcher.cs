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
    private readonly Dictionary<long, int> _edges = new();
    private readonly List<(AddedToken Token, string Pattern)?> _terminal = [null];
    private readonly bool[] _firstChars = new bool[char.MaxValue + 1];

    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedToken Token)> patterns)
    {
        foreach (var (pattern, token) in patterns)
        {
            if (pattern.Length == 0) continue;
            _firstChars[pattern[0]] = true;
            int node = 0;
            foreach (char c in pattern)
            {
                long key = Key(node, c);
                if (!_edges.TryGetValue(key, out int child))
                {
                    child = _terminal.Count;
                    _terminal.Add(null);
                    _edges.Add(key, child);
                }
                node = child;
            }
            // The reference inserts patterns into one automaton; with duplicates the last one added wins.
            _terminal[node] = (token, pattern);
        }
        IsEmpty = _terminal.Count == 1;
    }

    public bool IsEmpty { get; }

    /// <summary>Appends the accepted matches inside <paramref name="text"/> (the whole searched piece) in order.</summary>
    public void FindMatches(ReadOnlySpan<char> text, List<AddedTokenMatch> matches)
    {
        if (IsEmpty) return;
        int position = 0, lastEnd = 0;
        while (position < text.Length)
        {
            if (!_firstChars[text[position]]) { position++; continue; }
            int node = 0, matchEnd = -1;
            (AddedToken Token, string Pattern)? found = null;
            for (int j = position; j < text.Length; j++)
            {
                if (!_edges.TryGetValue(Key(node, text[j]), out node)) break;
                if (_terminal[node] is { } t) { found = t; matchEnd = j + 1; }
            }
            if (found is not { Token: var token, Pattern: var pattern }) { position++; continue; }

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

    private static long Key(int node, char c) => ((long)node << 16) | c;

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
