using System.Text.Json;
using FourM.Tokenizers.Text.AddedTokens;
using FourM.Tokenizers.Text.Decoding;
using FourM.Tokenizers.Text.Normalization;
using FourM.Tokenizers.Text.WordPiece;

namespace FourM.Tokenizers.Text;

/// <summary>
/// Reads the Hugging Face <c>tokenizer.json</c> format, restricted to what a BERT-style WordPiece tokenizer uses:
/// BertNormalizer (or none), BertPreTokenizer (or none), WordPiece model, WordPiece decoder (or none), no post-processor.
/// Anything else is rejected with a message naming the JSON key, rather than silently tokenised differently.
/// </summary>
internal static class TokenizerJson
{
    public static TextTokenizer Parse(string json, string sourceName)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw Bad(sourceName, "$", "a JSON object");

        var model = ReadModel(root, sourceName);
        var normalizer = ReadNormalizer(root, sourceName);
        bool preTokenize = ReadPreTokenizer(root, sourceName);
        var decoder = ReadDecoder(root, sourceName);
        if (root.TryGetProperty("post_processor", out var post) && post.ValueKind != JsonValueKind.Null)
            throw Bad(sourceName, "post_processor", "null (post-processors are not supported)");
        var added = AddedTokenIds.Assign(model.Vocabulary, ReadAddedTokens(root, sourceName));
        return new TextTokenizer(model, normalizer, preTokenize, decoder, added);
    }

    private static WordPieceModel ReadModel(JsonElement root, string source)
    {
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw Bad(source, "model", "an object");
        string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "WordPiece";
        if (type != "WordPiece") throw Bad(source, "model.type", $"\"WordPiece\", got \"{type}\"");
        if (!model.TryGetProperty("vocab", out var vocabElement) || vocabElement.ValueKind != JsonValueKind.Object)
            throw Bad(source, "model.vocab", "an object of token: id");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                throw Bad(source, $"model.vocab[\"{entry.Name}\"]", "a non-negative integer id");
            vocab[entry.Name] = id;
        }
        string unk = GetString(model, "unk_token", "[UNK]", source, "model");
        string prefix = GetString(model, "continuing_subword_prefix", "##", source, "model");
        int maxChars = model.TryGetProperty("max_input_chars_per_word", out var m) && m.ValueKind == JsonValueKind.Number
            ? m.GetInt32() : 100;
        return new WordPieceModel(new WordPieceVocabulary(vocab, prefix), unk, maxChars);
    }

    private static BertNormalizer? ReadNormalizer(JsonElement root, string source)
    {
        if (!root.TryGetProperty("normalizer", out var n) || n.ValueKind == JsonValueKind.Null) return null;
        string type = n.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        if (type != "BertNormalizer") throw Bad(source, "normalizer.type", $"\"BertNormalizer\" or a null normalizer, got \"{type}\"");
        bool? stripAccents = n.TryGetProperty("strip_accents", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? s.GetBoolean() : null;
        return new BertNormalizer(
            cleanText: GetBool(n, "clean_text", true),
            handleChineseChars: GetBool(n, "handle_chinese_chars", true),
            stripAccents: stripAccents,
            lowercase: GetBool(n, "lowercase", true));
    }

    private static bool ReadPreTokenizer(JsonElement root, string source)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var p) || p.ValueKind == JsonValueKind.Null) return false;
        string type = p.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        return type == "BertPreTokenizer"
            ? true
            : throw Bad(source, "pre_tokenizer.type", $"\"BertPreTokenizer\" or a null pre_tokenizer, got \"{type}\"");
    }

    private static WordPieceDecoder? ReadDecoder(JsonElement root, string source)
    {
        if (!root.TryGetProperty("decoder", out var d) || d.ValueKind == JsonValueKind.Null) return null;
        string type = d.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        if (type != "WordPiece") throw Bad(source, "decoder.type", $"\"WordPiece\" or a null decoder, got \"{type}\"");
        return new WordPieceDecoder(GetString(d, "prefix", "##", source, "decoder"), GetBool(d, "cleanup", true));
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement root, string source)
    {
        var tokens = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var list) || list.ValueKind == JsonValueKind.Null) return tokens;
        if (list.ValueKind != JsonValueKind.Array) throw Bad(source, "added_tokens", "an array");
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            string where = $"added_tokens[{index++}]";
            if (!item.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out int id) || id < 0)
                throw Bad(source, where + ".id", "a non-negative integer");
            string content = GetString(item, "content", null, source, where);
            bool special = GetBool(item, "special", false);
            tokens.Add(new AddedToken(id, content,
                SingleWord: GetBool(item, "single_word", false),
                LeftStrip: GetBool(item, "lstrip", false),
                RightStrip: GetBool(item, "rstrip", false),
                Normalized: GetBool(item, "normalized", !special),
                Special: special));
        }
        return tokens;
    }

    private static bool GetBool(JsonElement e, string name, bool fallback) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    private static string GetString(JsonElement e, string name, string? fallback, string source, string path)
    {
        if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String) return v.GetString()!;
        return fallback ?? throw Bad(source, $"{path}.{name}", "a string");
    }

    private static FormatException Bad(string source, string key, string expected) =>
        new($"{source}: '{key}' must be {expected}");
}
