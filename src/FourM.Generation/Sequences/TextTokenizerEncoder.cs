using FourM.Tokenizers.Text;
using FourM.Tokenizers.Text.SpanMasking;

namespace FourM.Generation.Sequences;

/// <summary>Generation's <see cref="ITextEncoder"/> over the 4M WordPiece <see cref="TextTokenizer"/>.</summary>
public sealed class TextTokenizerEncoder(TextTokenizer tokenizer) : ITextEncoder
{
    private readonly SentinelTokens _sentinels = new(tokenizer);

    public static TextTokenizerEncoder Default { get; } = new(TextTokenizer.Default);

    public IReadOnlySet<int> SentinelIds => _sentinels.Ids;

    public IReadOnlyList<int> Encode(string text) => tokenizer.EncodeIds(text);

    public int TokenToId(string token) => tokenizer.TokenToId(token) ?? throw new GenerationPlanException($"token '{token}' is not in the text vocabulary");

    public bool IsSentinel(long id) => id is >= 0 and <= int.MaxValue && _sentinels.IsSentinel((int)id);
}
