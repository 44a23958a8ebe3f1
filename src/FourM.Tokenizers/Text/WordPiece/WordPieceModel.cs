namespace FourM.Tokenizers.Text.WordPiece;

/// <summary>
/// Greedy longest-match-first WordPiece (<c>models/wordpiece</c>): a word longer than <see cref="MaxInputCharsPerWord"/>
/// code points, or one that cannot be covered by vocabulary pieces, becomes a single unknown token.
/// </summary>
public sealed class WordPieceModel
{
    public WordPieceModel(WordPieceVocabulary vocabulary, string unknownToken, int maxInputCharsPerWord)
    {
        Vocabulary = vocabulary;
        UnknownToken = unknownToken;
        MaxInputCharsPerWord = maxInputCharsPerWord;
        UnknownId = vocabulary.TryGetId(unknownToken, out int id)
            ? id
            : throw new ArgumentException($"WordPiece unk_token '{unknownToken}' is not in the vocabulary");
    }

    public WordPieceVocabulary Vocabulary { get; }
    public string UnknownToken { get; }
    public int UnknownId { get; }
    public int MaxInputCharsPerWord { get; }

    /// <summary>Tokenises one pre-tokenised word, calling <paramref name="sink"/> with (id, start, end) relative to the word.</summary>
    internal void Tokenize<TSink>(ReadOnlySpan<char> word, ref TSink sink) where TSink : struct, IPieceSink
    {
        if (CountCodePoints(word) > MaxInputCharsPerWord)
        {
            sink.Add(UnknownId, 0, word.Length);
            return;
        }
        // Most words are whole vocabulary entries: one hash lookup instead of a trie walk.
        if (Vocabulary.TryGetId(word, out int wholeId))
        {
            sink.Add(wholeId, 0, word.Length);
            return;
        }
        int mark = sink.Count;
        int start = 0;
        while (start < word.Length)
        {
            int root = start == 0 ? 0 : Vocabulary.ContinuationRoot;
            int length = Vocabulary.LongestPrefix(root, word[start..], out int id);
            if (length == 0)
            {
                sink.Truncate(mark);
                sink.Add(UnknownId, 0, word.Length);
                return;
            }
            sink.Add(id, start, start + length);
            start += length;
        }
    }

    private static int CountCodePoints(ReadOnlySpan<char> word)
    {
        int count = word.Length;
        for (int i = 0; i + 1 < word.Length; i++)
            if (char.IsHighSurrogate(word[i]) && char.IsLowSurrogate(word[i + 1])) { count--; i++; }
        return count;
    }
}

/// <summary>Receives word pieces; a struct so the hot loop is not an interface call.</summary>
internal interface IPieceSink
{
    int Count { get; }
    void Add(int id, int start, int end);
    void Truncate(int count);
}
