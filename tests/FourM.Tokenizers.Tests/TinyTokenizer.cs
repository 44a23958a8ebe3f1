using System.Text.Json;
using FourM.Tokenizers.Text;

namespace FourM.Tokenizers.Tests;

/// <summary>
/// A hand-made tokenizer.json exercising every added-token flag. The expected outputs in the tests were worked out by
/// hand from the reference rules and confirmed with the reference library (Hugging Face tokenizers 0.23.2).
/// </summary>
internal static class TinyTokenizer
{
    public static readonly string Json = Build();

    public static TextTokenizer Create() => TextTokenizer.FromJson(Json, "tiny.json");

    private static string Build()
    {
        var vocab = new Dictionary<string, int>
        {
            ["[UNK]"] = 0, ["[PAD]"] = 1, ["hello"] = 2, ["world"] = 3, ["##s"] = 4, ["he"] = 5, ["##llo"] = 6, ["a"] = 7,
            [","] = 8, ["."] = 9, ["x"] = 10, ["##x"] = 11, ["<mask>"] = 12, ["[SEP]"] = 13, ["new york"] = 14, ["b"] = 15,
            ["'"] = 16, ["t"] = 17, ["don"] = 18, ["?"] = 19, ["xx"] = 20,
        };
        object Added(int id, string content, bool singleWord, bool lstrip, bool rstrip, bool normalized, bool special) => new Dictionary<string, object>
        {
            ["id"] = id, ["content"] = content, ["single_word"] = singleWord, ["lstrip"] = lstrip, ["rstrip"] = rstrip,
            ["normalized"] = normalized, ["special"] = special,
        };
        var root = new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new[]
            {
                Added(12, "<mask>", false, true, false, false, true),
                Added(13, "[SEP]", false, false, true, false, true),
                // Its file id (14) is ignored on load: "New York" is not a model entry, so it gets the next id, 21.
                Added(14, "New York", true, false, false, true, false),
                Added(20, "xx", false, false, false, false, false),
            },
            ["normalizer"] = new Dictionary<string, object?>
            {
                ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true, ["strip_accents"] = null, ["lowercase"] = true,
            },
            ["pre_tokenizer"] = new Dictionary<string, object> { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = null,
            ["decoder"] = new Dictionary<string, object> { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new Dictionary<string, object>
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##", ["max_input_chars_per_word"] = 5,
                ["vocab"] = vocab,
            },
        };
        return JsonSerializer.Serialize(root);
    }
}
