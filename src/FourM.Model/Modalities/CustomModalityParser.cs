using System.Text.Json;

namespace FourM.Model.Modalities;

/// <summary>Turns a user's JSON modality description into a <see cref="ModalityInfo"/> with the reference's embedding kinds.</summary>
internal static class CustomModalityParser
{
    public static ModalityInfo Parse(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) throw new FormatException("expected an object");
        var name = String(item, "name") ?? throw new FormatException("missing 'name'");
        var typeText = String(item, "type") ?? throw new FormatException("missing 'type'");
        var vocab = Int(item, "vocab_size");
        var input = Bool(item, "input") ?? true;
        var output = Bool(item, "output") ?? (typeText != "seq_emb" && vocab is not null);
        return typeText switch
        {
            "img" => new ModalityInfo
            {
                Name = name, Type = ModalityType.Image,
                EncoderEmbedding = !input ? null : vocab is null ? EncoderEmbeddingKind.ImagePixels : EncoderEmbeddingKind.ImageTokens,
                DecoderEmbedding = output && vocab is not null ? DecoderEmbeddingKind.ImageTokens : null,
                VocabSize = vocab, PatchSize = Int(item, "patch_size") ?? 16,
                // "grid": n tokens per side is shorthand for image_size = n * patch_size.
                ImageSize = Int(item, "image_size") ?? Int(item, "grid") * (Int(item, "patch_size") ?? 16),
                NumChannels = Int(item, "num_channels") ?? (vocab is null ? 3 : null),
                SinCosPositions = Bool(item, "sincos_pos_emb") ?? true,
            },
            "seq" => new ModalityInfo
            {
                Name = name, Type = ModalityType.Sequence,
                EncoderEmbedding = input ? EncoderEmbeddingKind.Sequence : null,
                DecoderEmbedding = output ? DecoderEmbeddingKind.Sequence : null,
                VocabSize = vocab, MaxLength = Int(item, "max_length"), MaxTokens = Int(item, "max_tokens") ?? Int(item, "max_length"),
                SinCosPositions = Bool(item, "sincos_pos_emb") ?? true,
            },
            "seq_emb" => new ModalityInfo
            {
                Name = name, Type = ModalityType.SequenceEmbedding, EncoderEmbedding = EncoderEmbeddingKind.SequenceEmbedding,
                MaxLength = Int(item, "max_length"), MaxTokens = Int(item, "max_tokens") ?? Int(item, "max_length"),
                OriginalEmbeddingDim = Int(item, "orig_emb_dim"), SinCosPositions = Bool(item, "sincos_pos_emb") ?? true,
            },
            _ => throw new FormatException($"'type' must be img, seq or seq_emb, not '{typeText}'"),
        };
    }

    private static string? String(JsonElement item, string key) =>
        item.TryGetProperty(key, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw new FormatException($"'{key}' must be a string") : null;

    private static int? Int(JsonElement item, string key) =>
        item.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new FormatException($"'{key}' must be an integer")
            : null;

    private static bool? Bool(JsonElement item, string key) =>
        item.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new FormatException($"'{key}' must be a boolean")
            : null;
}
