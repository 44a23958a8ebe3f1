using FourM.Tokenizers.Text;
using FourM.Tokenizers.Text.SpanMasking;

namespace FourM.Client.Outputs;

/// <summary>
/// Decodes 4M's text-tokenized modalities (captions, detections…) with the 4M WordPiece tokenizer. Decodes like the
/// reference (special added tokens kept: class names such as "bus" and coordinates are added tokens), dropping only
/// padding, start/end markers and span sentinels.
/// </summary>
public sealed class WordPieceTextDecoder : ITextOutputDecoder
{
    private static readonly string[] Markers = ["[PAD]", "[SOS]", "[EOS]"];
    private readonly TextTokenizer _tokenizer;
    private readonly IReadOnlySet<string> _modalities;
    private readonly HashSet<int> _dropped;

    public WordPieceTextDecoder(TextTokenizer tokenizer, IReadOnlySet<string> modalities)
    {
        _tokenizer = tokenizer;
        _modalities = modalities;
        _dropped = [.. new SentinelTokens(tokenizer).Ids, .. Markers.Select(tokenizer.TokenToId).OfType<int>()];
    }

    public static IReadOnlySet<string> DefaultModalities { get; } = new HashSet<string>(StringComparer.Ordinal) { "caption", "det" };

    public static WordPieceTextDecoder CreateDefault() => new(TextTokenizer.Default, DefaultModalities);

    public bool Handles(string modality) => _modalities.Contains(modality);

    public string Decode(IReadOnlyList<long> tokens) =>
        _tokenizer.Decode(tokens.Where(t => t is >= 0 and <= int.MaxValue && !_dropped.Contains((int)t)).Select(t => (int)t), skipSpecialTokens: false);
}
