using FourM.Tokenizers.Text.WordPiece;

namespace FourM.Tokenizers.Text.AddedTokens;

/// <summary>
/// Assigns ids to added tokens as the reference does when it loads a tokenizer.json (<c>AddedVocabulary::add_tokens</c>):
/// the id of the same content in the added tokens so far or the model vocabulary, else the next free id, starting at the
/// model's vocabulary size. The <c>id</c> written in the file is only a hint there (a mismatch is merely logged), so it
/// is ignored here too.
/// </summary>
internal static class AddedTokenIds
{
    public static List<AddedToken> Assign(WordPieceVocabulary vocabulary, IEnumerable<AddedToken> declared)
    {
        var byContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        var ordered = new List<string>();
        int nextId = vocabulary.Count;
        foreach (var token in declared)
        {
            if (token.Content.Length == 0) continue;
            int id;
            if (byContent.TryGetValue(token.Content, out var existing)) id = existing.Id;
            else if (vocabulary.TryGetId(token.Content, out int modelId)) id = modelId;
            else id = nextId++;
            if (!byContent.ContainsKey(token.Content)) ordered.Add(token.Content);
            byContent[token.Content] = token with { Id = id };
        }
        return ordered.Select(c => byContent[c]).ToList();
    }
}
