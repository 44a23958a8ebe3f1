namespace FourM.Tokenizers.Text.SpanMasking;

/// <summary>
/// The ids generation needs from the 4M text vocabulary: [PAD], [UNK], [SOS], [EOS] and the sentinels [S_k], found the
/// way the reference's <c>get_sentinel_to_id_mapping</c> finds them (every vocabulary entry named <c>[S_k]</c>).
/// </summary>
public sealed class SentinelTokens
{
    private readonly Dictionary<int, int> _idByIndex;
    private readonly Dictionary<int, int> _indexById;

    public SentinelTokens(TextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        PadId = Require(tokenizer, "[PAD]");
        UnknownId = Require(tokenizer, "[UNK]");
        StartId = Require(tokenizer, "[SOS]");
        EndId = Require(tokenizer, "[EOS]");
        _idByIndex = new Dictionary<int, int>();
        foreach (var (token, id) in tokenizer.GetVocabulary())
            if (TryParseSentinel(token, out int index)) _idByIndex[index] = id;
        _indexById = _idByIndex.ToDictionary(p => p.Value, p => p.Key);
        Ids = _indexById.Keys.ToHashSet();
    }

    /// <summary>Sentinels of the default 4M tokenizer.</summary>
    public static SentinelTokens Default => DefaultInstance.Value;
    private static readonly Lazy<SentinelTokens> DefaultInstance = new(() => new SentinelTokens(TextTokenizer.Default));

    public int PadId { get; }
    public int UnknownId { get; }
    public int StartId { get; }
    /// <summary>[EOS]: appended to every sequence in training and the stop token of <c>custom_text</c> targets.</summary>
    public int EndId { get; }
    /// <summary>Every sentinel id.</summary>
    public IReadOnlySet<int> Ids { get; }
    public int Count => _idByIndex.Count;

    /// <summary>Id of [S_<paramref name="index"/>].</summary>
    public int IdOf(int index) =>
        _idByIndex.TryGetValue(index, out int id)
            ? id
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"the vocabulary has no sentinel [S_{index}] (it has {Count})");

    public bool IsSentinel(int id) => _indexById.ContainsKey(id);

    /// <summary>k of [S_k], or null when the id is not a sentinel.</summary>
    public int? IndexOf(int id) => _indexById.TryGetValue(id, out int index) ? index : null;

    private static bool TryParseSentinel(string token, out int index)
    {
        index = 0;
        return token.Length > 4 && token.StartsWith("[S_", StringComparison.Ordinal) && token[^1] == ']'
               && int.TryParse(token.AsSpan(3, token.Length - 4), System.Globalization.NumberStyles.None,
                   System.Globalization.CultureInfo.InvariantCulture, out index);
    }

    private static int Require(TextTokenizer tokenizer, string token) =>
        tokenizer.TokenToId(token) ?? throw new ArgumentException($"the tokenizer has no {token} token, which 4M needs");
}
