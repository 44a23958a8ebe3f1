namespace FourM.Tokenizers.Text;

/// <summary>
/// The result of <see cref="TextTokenizer.Encode(string)"/>: ids, token strings and, per token, the [start, end) range in
/// the input string in UTF-16 units (the reference reports byte or character offsets; these index the .NET string).
/// </summary>
public sealed record TextEncoding(int[] Ids, string[] Tokens, TokenOffset[] Offsets)
{
    public int Count => Ids.Length;
}

/// <summary>[Start, End) of a token in the encoded string, in UTF-16 units.</summary>
public readonly record struct TokenOffset(int Start, int End);
