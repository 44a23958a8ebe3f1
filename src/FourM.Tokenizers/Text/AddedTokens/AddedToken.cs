namespace FourM.Tokenizers.Text.AddedTokens;

/// <summary>
/// A token added on top of the model vocabulary (tokenizer.json <c>added_tokens</c>), with the reference's matching flags.
/// <see cref="Id"/> is the id the reference assigns on load (see <see cref="AddedTokenIds"/>).
/// </summary>
/// <param name="SingleWord">Only matches when neither neighbouring character is a word character (regex <c>\w</c>).</param>
/// <param name="LeftStrip">The match swallows whitespace on its left.</param>
/// <param name="RightStrip">The match swallows whitespace on its right.</param>
/// <param name="Normalized">Matched against the normalised text (otherwise against the raw input, before normalisation).</param>
/// <param name="Special">Dropped by decode with <c>skipSpecialTokens</c>.</param>
public sealed record AddedToken(int Id, string Content, bool SingleWord, bool LeftStrip, bool RightStrip, bool Normalized, bool Special);
