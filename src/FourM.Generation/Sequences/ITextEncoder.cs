namespace FourM.Generation.Sequences;

/// <summary>
/// What generation needs from the text tokenizer: encoding condition texts, special-token ids and the sentinel set
/// (<c>[S_0]</c>..<c>[S_199]</c>). Implemented over FourM.Tokenizers by <see cref="TextTokenizerEncoder"/>.
/// </summary>
public interface ITextEncoder
{
    IReadOnlyList<int> Encode(string text);
    int TokenToId(string token);
    bool IsSentinel(long id);
    IReadOnlySet<int> SentinelIds { get; }
}
