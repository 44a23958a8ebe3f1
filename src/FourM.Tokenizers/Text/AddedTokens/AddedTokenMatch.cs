namespace FourM.Tokenizers.Text.AddedTokens;

/// <summary>
/// An added token found in a piece of text: [Start, End) after strip rules, in the searched buffer's indices.
/// <paramref name="Pattern"/> is the matched form (the content, or its normalised form for normalised tokens).
/// </summary>
internal readonly record struct AddedTokenMatch(int Start, int End, AddedToken Token, string Pattern);
