namespace FourM.Tokenizers.Text.Decoding;

/// <summary>
/// The WordPiece decoder (<c>decoders/wordpiece.rs</c>): every token after the first either loses the continuation
/// prefix (glued to its predecessor) or gets a leading space; then, when <see cref="Cleanup"/> is on, each token on its
/// own (not the joined text) goes through the reference's fixed list of replacements.
/// </summary>
public sealed class WordPieceDecoder(string prefix = "##", bool cleanup = true)
{
    public string Prefix { get; } = prefix;
    public bool Cleanup { get; } = cleanup;

    /// <summary>The text the token contributes at position <paramref name="index"/> of the decoded sequence.</summary>
    public string Piece(string token, int index)
    {
        string piece = index == 0 ? token
            : token.StartsWith(Prefix, StringComparison.Ordinal) ? token[Prefix.Length..]
            : " " + token;
        return Cleanup ? CleanUp(piece) : piece;
    }

    /// <summary>The reference's <c>cleanup</c>: the replacements in its order (all need a space, so most tokens skip them).</summary>
    public static string CleanUp(string piece)
    {
        if (!piece.Contains(' ')) return piece;
        return piece
            .Replace(" .", ".", StringComparison.Ordinal)
            .Replace(" ?", "?", StringComparison.Ordinal)
            .Replace(" !", "!", StringComparison.Ordinal)
            .Replace(" ,", ",", StringComparison.Ordinal)
            .Replace(" ' ", "'", StringComparison.Ordinal)
            .Replace(" n't", "n't", StringComparison.Ordinal)
            .Replace(" 'm", "'m", StringComparison.Ordinal)
            .Replace(" do not", " don't", StringComparison.Ordinal)
            .Replace(" 's", "'s", StringComparison.Ordinal)
            .Replace(" 've", "'ve", StringComparison.Ordinal)
            .Replace(" 're", "'re", StringComparison.Ordinal);
    }
}
