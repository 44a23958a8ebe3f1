namespace FourM.Tokenizers.Text.WordPiece;

/// <summary>
/// The WordPiece vocabulary: token ↔ id maps plus a character trie for longest-prefix lookups without allocating
/// substrings. Word-initial pieces are walked from the root, continuation pieces from the node of the prefix (<c>##</c>).
/// </summary>
public sealed class WordPieceVocabulary
{
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;
    private readonly string?[] _tokens;
    private readonly CharTrie _trie;

    public WordPieceVocabulary(IReadOnlyDictionary<string, int> vocabulary, string continuingSubwordPrefix)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        _ids = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        _spanIds = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        int maxId = -1;
        foreach (var (token, id) in vocabulary)
        {
            if (id < 0) throw new ArgumentException($"vocabulary id {id} of token '{token}' is negative");
            maxId = Math.Max(maxId, id);
        }
        _tokens = new string?[maxId + 1];
        var trie = new CharTrie.Builder();
        foreach (var (token, id) in vocabulary)
        {
            _tokens[id] = token;
            trie.Add(token, id);
        }
        _trie = trie.Build();
        ContinuationRoot = _trie.Find(continuingSubwordPrefix);
    }

    public string ContinuingSubwordPrefix { get; }
    public int Count => _ids.Count;
    /// <summary>One past the largest id.</summary>
    public int IdLimit => _tokens.Length;

    /// <summary>Trie node of the continuation prefix, or -1 when no token starts with it.</summary>
    internal int ContinuationRoot { get; }

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);
    public bool TryGetId(ReadOnlySpan<char> token, out int id) => _spanIds.TryGetValue(token, out id);

    public string? TokenOf(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    public IReadOnlyDictionary<string, int> Ids => _ids;

    /// <summary>
    /// Longest token that is a prefix of <paramref name="text"/>, walking from <paramref name="root"/>; returns its length
    /// in UTF-16 units (0 when none) and its id.
    /// </summary>
    internal int LongestPrefix(int root, ReadOnlySpan<char> text, out int id)
    {
        id = -1;
        if (root < 0) return 0;
        int node = root, best = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (!_trie.TryStep(ref node, text[i])) break;
            int nodeId = _trie.ValueAt(node);
            if (nodeId >= 0) { id = nodeId; best = i + 1; }
        }
        return best;
    }
}
