namespace FourM.Tokenizers.Text;

/// <summary>Accumulates encode output: always ids; tokens and offsets only when the caller asked for them.</summary>
internal sealed class EncodingCollector
{
    public EncodingCollector(bool withTokens)
    {
        Ids = new List<int>();
        if (withTokens)
        {
            Tokens = new List<string>();
            Offsets = new List<TokenOffset>();
        }
    }

    public EncodingCollector(List<int> ids) => Ids = ids;

    public List<int> Ids { get; }
    public List<string>? Tokens { get; }
    public List<TokenOffset>? Offsets { get; }
    public bool WantsTokens => Tokens is not null;

    public void Add(int id, string? token, int start, int end)
    {
        Ids.Add(id);
        if (Tokens is null) return;
        Tokens.Add(token!);
        Offsets!.Add(new TokenOffset(start, end));
    }

    public void Truncate(int count)
    {
        Ids.RemoveRange(count, Ids.Count - count);
        Tokens?.RemoveRange(count, Tokens.Count - count);
        Offsets?.RemoveRange(count, Offsets.Count - count);
    }

    public void Clear() => Truncate(0);
}
