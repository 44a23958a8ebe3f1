using System.Text.Json;

namespace FourM.Tokenizers.Text.Verification;

/// <summary>One reference encode case: the input and what the reference library returned for it.</summary>
public sealed record TextTokenizerCase(string Text, int[] Ids, string[] Tokens, string Decode, string DecodeSkipSpecial);

/// <summary>A reference decode-only case: ids and the two reference decodes.</summary>
public sealed record TextTokenizerDecodeCase(int[] Ids, string Decode, string DecodeSkipSpecial);

/// <summary>
/// A reference case file (<c>text_tokenizer_cases.json</c> layout): the tokenizer file name, encode cases, optional
/// <c>vocab_size</c>, <c>token_to_id</c> and <c>decode_only</c> cases.
/// </summary>
public sealed record TextTokenizerCaseFile(
    string TokenizerFile,
    IReadOnlyList<TextTokenizerCase> Cases,
    int? VocabularySize,
    IReadOnlyDictionary<string, int> TokenToId,
    IReadOnlyList<TextTokenizerDecodeCase> DecodeOnly)
{
    /// <summary>True when the JSON file has the case-file shape (top-level <c>tokenizer_file</c> and <c>cases</c>).</summary>
    public static bool LooksLikeCaseFile(string path)
    {
        try
        {
            if (new FileInfo(path).Length > 256L << 20) return false;
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("tokenizer_file", out _)
                   && document.RootElement.TryGetProperty("cases", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static TextTokenizerCaseFile Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        string name = Path.GetFileName(path);
        string tokenizerFile = Required(root, "tokenizer_file", name).GetString()
                               ?? throw new FormatException($"{name}: 'tokenizer_file' must be a string");
        var cases = new List<TextTokenizerCase>();
        int index = 0;
        foreach (var c in Required(root, "cases", name).EnumerateArray())
        {
            string where = $"{name}: cases[{index++}]";
            cases.Add(new TextTokenizerCase(
                Required(c, "text", where).GetString()!,
                Ints(Required(c, "ids", where)),
                Required(c, "tokens", where).EnumerateArray().Select(t => t.GetString()!).ToArray(),
                Required(c, "decode", where).GetString()!,
                Required(c, "decode_skip_special", where).GetString()!));
        }
        int? vocabularySize = root.TryGetProperty("vocab_size", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        var tokenToId = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("token_to_id", out var map) && map.ValueKind == JsonValueKind.Object)
            foreach (var entry in map.EnumerateObject()) tokenToId[entry.Name] = entry.Value.GetInt32();
        var decodeOnly = new List<TextTokenizerDecodeCase>();
        if (root.TryGetProperty("decode_only", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            index = 0;
            foreach (var d in list.EnumerateArray())
            {
                string where = $"{name}: decode_only[{index++}]";
                decodeOnly.Add(new TextTokenizerDecodeCase(Ints(Required(d, "ids", where)),
                    Required(d, "decode", where).GetString()!, Required(d, "decode_skip_special", where).GetString()!));
            }
        }
        return new TextTokenizerCaseFile(tokenizerFile, cases, vocabularySize, tokenToId, decodeOnly);
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    private static JsonElement Required(JsonElement e, string name, string where) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v
            : throw new FormatException($"{where}: missing '{name}'");
}
