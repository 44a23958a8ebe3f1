using System.Reflection;
using System.Text;
using FourM.Tokenizers.Text.AddedTokens;
using FourM.Tokenizers.Text.Decoding;
using FourM.Tokenizers.Text.Normalization;
using FourM.Tokenizers.Text.PreTokenization;
using FourM.Tokenizers.Text.WordPiece;

namespace FourM.Tokenizers.Text;

/// <summary>
/// A WordPiece text tokenizer loaded from a Hugging Face <c>tokenizer.json</c>, reproducing <c>Tokenizer.encode</c>
/// (without post-processing) and <c>Tokenizer.decode</c> of the reference library exactly:
/// <list type="number">
/// <item>non-normalised added tokens are cut out of the raw text;</item>
/// <item>each remaining piece is normalised, and normalised added tokens are cut out of it;</item>
/// <item>the rest is pre-tokenised and split into WordPiece tokens.</item>
/// </list>
/// Thread-safe: all state is immutable after construction; scratch buffers are per thread.
/// </summary>
public sealed class TextTokenizer
{
    public const string DefaultResourceName = "FourM.Tokenizers.text_tokenizer_4m_wordpiece_30k.json";

    private static readonly Lazy<TextTokenizer> DefaultInstance = new(LoadDefault);

    [ThreadStatic] private static EncodeScratch? t_scratch;

    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly Dictionary<string, int> _addedIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _specialContents = new(StringComparer.Ordinal);
    private readonly string?[] _idToToken;
    private readonly bool[] _isSpecialToken;
    private readonly string?[] _firstPiece;
    private readonly string?[] _laterPiece;

    internal TextTokenizer(WordPieceModel model, BertNormalizer? normalizer, bool preTokenize, WordPieceDecoder? decoder,
        IReadOnlyList<AddedToken> addedTokens)
    {
        Model = model;
        Normalizer = normalizer;
        UsesBertPreTokenizer = preTokenize;
        Decoder = decoder;
        AddedTokens = addedTokens;

        var rawPatterns = new List<(string, AddedToken)>();
        var normalizedPatterns = new List<(string, AddedToken)>();
        int idLimit = model.Vocabulary.IdLimit;
        foreach (var token in addedTokens)
        {
            if (token.Content.Length == 0) continue;
            _addedIds[token.Content] = token.Id;
            if (token.Special) _specialContents.Add(token.Content);
            if (token.Normalized) normalizedPatterns.Add((NormalizeForMatching(token.Content), token));
            else rawPatterns.Add((token.Content, token));
            idLimit = Math.Max(idLimit, token.Id + 1);
        }
        VocabularySize = model.Vocabulary.Count + _addedIds.Keys.Count(k => !model.Vocabulary.TryGetId(k, out _));
        _rawMatcher = new AddedTokenMatcher(rawPatterns);
        _normalizedMatcher = new AddedTokenMatcher(normalizedPatterns);

        _idToToken = new string?[idLimit];
        for (int id = 0; id < model.Vocabulary.IdLimit; id++) _idToToken[id] = model.Vocabulary.TokenOf(id);
        // Decoding shows a normalised added token in its normalised form (the reference's simple_id_to_token).
        foreach (var token in addedTokens)
            if (token.Content.Length > 0)
                _idToToken[token.Id] = token.Normalized ? NormalizeForMatching(token.Content) : token.Content;

        _isSpecialToken = new bool[idLimit];
        _firstPiece = new string?[idLimit];
        _laterPiece = new string?[idLimit];
        for (int id = 0; id < idLimit; id++)
        {
            if (_idToToken[id] is not { } token) continue;
            _isSpecialToken[id] = _specialContents.Contains(token);
            _firstPiece[id] = decoder?.Piece(token, 0) ?? token;
            _laterPiece[id] = decoder?.Piece(token, 1) ?? " " + token;
        }
    }

    /// <summary>The official 4M tokenizer (30k WordPiece, 4284 added tokens), loaded once from the embedded resource.</summary>
    public static TextTokenizer Default => DefaultInstance.Value;

    public WordPieceModel Model { get; }
    public BertNormalizer? Normalizer { get; }
    public bool UsesBertPreTokenizer { get; }
    public WordPieceDecoder? Decoder { get; }
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>Vocabulary size including added tokens that are not model entries (the reference's <c>get_vocab_size(True)</c>).</summary>
    public int VocabularySize { get; }

    /// <summary>Loads the tokenizer shipped inside this assembly.</summary>
    public static TextTokenizer LoadDefault()
    {
        using var stream = typeof(TextTokenizer).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"embedded resource {DefaultResourceName} is missing from {typeof(TextTokenizer).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return FromJson(reader.ReadToEnd(), DefaultResourceName);
    }

    public static TextTokenizer FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer file not found: {path}", path);
        return FromJson(File.ReadAllText(path, Encoding.UTF8), path);
    }

    /// <param name="sourceName">Names the source in error messages.</param>
    public static TextTokenizer FromJson(string json, string sourceName = "tokenizer.json") => TokenizerJson.Parse(json, sourceName);

    /// <summary>Encodes <paramref name="text"/> into ids, tokens and offsets (no post-processing: no [SOS]/[EOS] added).</summary>
    public TextEncoding Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var collector = new EncodingCollector(withTokens: true);
        EncodeInto(text, collector);
        return new TextEncoding(collector.Ids.ToArray(), collector.Tokens!.ToArray(), collector.Offsets!.ToArray());
    }

    /// <summary>Encodes <paramref name="text"/> into ids only (the fast path).</summary>
    public int[] EncodeIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var collector = Scratch.IdsCollector;
        collector.Clear();
        EncodeInto(text, collector);
        return collector.Ids.ToArray();
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/>.</summary>
    public void EncodeIds(string text, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(ids);
        var collector = new EncodingCollector(ids);
        EncodeInto(text, collector);
    }

    /// <summary>
    /// Decodes ids to text like the reference <c>decode</c>: ids without a token are dropped; with
    /// <paramref name="skipSpecialTokens"/> every token whose string is a special added token is dropped (4M decodes with
    /// false, or every coordinate and class name would vanish).
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var builder = new StringBuilder(ids.Length * 6);
        int index = 0;
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)_idToToken.Length || _idToToken[id] is null) continue;
            if (skipSpecialTokens && _isSpecialToken[id]) continue;
            if (Decoder is null && index > 0) builder.Append(' ');
            builder.Append(Decoder is null ? _idToToken[id] : index == 0 ? _firstPiece[id] : _laterPiece[id]);
            index++;
        }
        return builder.ToString();
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        Decode(ids as int[] ?? ids.ToArray(), skipSpecialTokens);

    public string Decode(ReadOnlySpan<long> ids, bool skipSpecialTokens = false)
    {
        var narrowed = new int[ids.Length];
        int count = 0;
        foreach (long id in ids)
            if (id is >= 0 and <= int.MaxValue) narrowed[count++] = (int)id;
        return Decode(narrowed.AsSpan(0, count), skipSpecialTokens);
    }

    /// <summary>Id of a token string: added tokens first, then the model vocabulary (the reference's <c>token_to_id</c>).</summary>
    public int? TokenToId(string token) =>
        _addedIds.TryGetValue(token, out int id) ? id : Model.Vocabulary.TryGetId(token, out id) ? id : null;

    /// <summary>Token string of an id as decode sees it, or null when the id has none.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <summary>Whether decode with skipSpecialTokens drops this id.</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)_isSpecialToken.Length && _isSpecialToken[id];

    /// <summary>All token strings with ids: model vocabulary overlaid with added tokens (the reference's <c>get_vocab</c>).</summary>
    public IReadOnlyDictionary<string, int> GetVocabulary()
    {
        var vocabulary = new Dictionary<string, int>(Model.Vocabulary.Ids, StringComparer.Ordinal);
        foreach (var (content, id) in _addedIds) vocabulary[content] = id;
        return vocabulary;
    }

    private static EncodeScratch Scratch => t_scratch ??= new EncodeScratch();

    private string NormalizeForMatching(string content)
    {
        if (Normalizer is null) return content;
        var normalized = new NormalizedText();
        Normalizer.Normalize(content, 0, content.Length, normalized);
        return normalized.Chars.ToString();
    }

    private void EncodeInto(string text, EncodingCollector collector)
    {
        var scratch = Scratch;
        var matches = scratch.RawMatches;
        matches.Clear();
        _rawMatcher.FindMatches(text, matches);
        int position = 0;
        foreach (var match in matches)
        {
            if (match.Start > position) EncodePiece(text, position, match.Start, collector, scratch);
            collector.Add(match.Token.Id,
                collector.WantsTokens ? SliceOrPattern(text.AsSpan(match.Start, match.End - match.Start), match.Pattern) : null,
                match.Start, match.End);
            position = match.End;
        }
        if (position < text.Length) EncodePiece(text, position, text.Length, collector, scratch);
    }

    /// <summary>Normalises one piece between raw added tokens and tokenises it.</summary>
    private void EncodePiece(string text, int start, int end, EncodingCollector collector, EncodeScratch scratch)
    {
        var normalized = scratch.Normalized;
        if (Normalizer is null) normalized.SetIdentity(text, start, end);
        else Normalizer.Normalize(text, start, end, normalized);
        if (normalized.Length == 0) return;

        var chars = normalized.Chars;
        var matches = scratch.NormalizedMatches;
        matches.Clear();
        _normalizedMatcher.FindMatches(chars, matches);
        int position = 0;
        foreach (var match in matches)
        {
            if (match.Start > position) TokenizeWords(normalized, position, match.Start, collector);
            collector.Add(match.Token.Id,
                collector.WantsTokens ? SliceOrPattern(chars[match.Start..match.End], match.Pattern) : null,
                normalized.OriginalStart(match.Start), normalized.OriginalEnd(match.End - 1));
            position = match.End;
        }
        if (position < normalized.Length) TokenizeWords(normalized, position, normalized.Length, collector);
    }

    private void TokenizeWords(NormalizedText normalized, int start, int end, EncodingCollector collector)
    {
        var words = new WordSink(this, normalized, start, collector);
        if (UsesBertPreTokenizer) BertPreTokenizer.Split(normalized.Chars[start..end], ref words);
        else words.Word(0, end - start);
    }

    private static string SliceOrPattern(ReadOnlySpan<char> slice, string pattern) =>
        slice.SequenceEqual(pattern) ? pattern : slice.ToString();

    /// <summary>Runs WordPiece on each pre-tokenised word of a normalised range.</summary>
    private struct WordSink(TextTokenizer tokenizer, NormalizedText normalized, int rangeStart, EncodingCollector collector) : IWordSink
    {
        public void Word(int start, int end)
        {
            int wordStart = rangeStart + start;
            var pieces = new PieceSink(tokenizer.Model.Vocabulary, normalized, wordStart, collector);
            tokenizer.Model.Tokenize(normalized.Chars[wordStart..(rangeStart + end)], ref pieces);
        }
    }

    /// <summary>Writes WordPiece output into the collector, mapping word positions back to the original text.</summary>
    private struct PieceSink(WordPieceVocabulary vocabulary, NormalizedText normalized, int wordStart, EncodingCollector collector) : IPieceSink
    {
        public readonly int Count => collector.Ids.Count;

        public readonly void Add(int id, int start, int end) =>
            collector.Add(id, collector.WantsTokens ? vocabulary.TokenOf(id) : null,
                normalized.OriginalStart(wordStart + start), normalized.OriginalEnd(wordStart + end - 1));

        public readonly void Truncate(int count) => collector.Truncate(count);
    }
}
