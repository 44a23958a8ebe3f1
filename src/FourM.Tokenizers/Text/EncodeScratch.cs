using FourM.Tokenizers.Text.AddedTokens;
using FourM.Tokenizers.Text.Normalization;

namespace FourM.Tokenizers.Text;

/// <summary>Per-thread buffers reused by every encode call, so encoding does not allocate per character or per piece.</summary>
internal sealed class EncodeScratch
{
    public NormalizedText Normalized { get; } = new();
    public List<AddedTokenMatch> RawMatches { get; } = new();
    public List<AddedTokenMatch> NormalizedMatches { get; } = new();
    public EncodingCollector IdsCollector { get; } = new(withTokens: false);
}
