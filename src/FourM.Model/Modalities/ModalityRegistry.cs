using System.Text.Json;

namespace FourM.Model.Modalities;

/// <summary>
/// Name → <see cref="ModalityInfo"/> lookup: the built-in modalities plus any the user registers (from code or a config's
/// <c>modalities</c> array). Names may not contain '.', since they become state-dict key segments.
/// </summary>
public sealed class ModalityRegistry
{
    private readonly Dictionary<string, ModalityInfo> _modalities = new(StringComparer.Ordinal);

    public ModalityRegistry(IEnumerable<ModalityInfo>? modalities = null)
    {
        foreach (var info in modalities ?? BuiltInModalities.All) Register(info);
    }

    /// <summary>A fresh registry holding the built-in modalities.</summary>
    public static ModalityRegistry CreateDefault() => new();

    public IEnumerable<ModalityInfo> All => _modalities.Values;

    public bool Contains(string name) => _modalities.ContainsKey(name);

    public ModalityInfo Get(string name) =>
        _modalities.TryGetValue(name, out var info)
            ? info
            : throw new KeyNotFoundException($"unknown modality '{name}' (known: {string.Join(", ", _modalities.Keys.Order(StringComparer.Ordinal))})");

    /// <summary>Adds or replaces a modality after checking it is complete for its kind.</summary>
    public void Register(ModalityInfo info)
    {
        Validate(info);
        var clash = _modalities.Values.FirstOrDefault(m => m.Name != info.Name && m.Id == info.Id);
        if (clash is not null)
            throw new ArgumentException($"modality '{info.Name}' has id {info.Id}, which '{clash.Name}' already uses");
        _modalities[info.Name] = info;
    }

    /// <summary>
    /// Registers user modalities from JSON objects: <c>{"name", "type": "img"|"seq"|"seq_emb", "vocab_size", "patch_size",
    /// "image_size" or "grid" (tokens per side), "max_length", "max_tokens", "num_channels", "sincos_pos_emb", "orig_emb_dim"}</c>.
    /// </summary>
    public void RegisterFromJson(JsonElement array, string source)
    {
        if (array.ValueKind != JsonValueKind.Array)
            throw new FormatException($"{source}: 'modalities' must be an array of objects");
        foreach (var item in array.EnumerateArray())
        {
            try
            {
                Register(CustomModalityParser.Parse(item));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or KeyNotFoundException)
            {
                throw new FormatException($"{source}: modality entry {item.GetRawText()}: {ex.Message}", ex);
            }
        }
    }

    private static void Validate(ModalityInfo info)
    {
        if (string.IsNullOrWhiteSpace(info.Name) || info.Name.Contains('.'))
            throw new ArgumentException($"modality name '{info.Name}' must be non-empty and contain no '.'");
        var tokens = info.EncoderEmbedding is EncoderEmbeddingKind.ImageTokens or EncoderEmbeddingKind.Sequence || info.DecoderEmbedding is not null;
        if (tokens && info.VocabSize is not > 0)
            throw new ArgumentException($"modality '{info.Name}' embeds tokens but has no positive vocab_size");
        if (info.IsImage && info.PatchSize is <= 0)
            throw new ArgumentException($"modality '{info.Name}' has a non-positive patch_size");
        if (info.Type != ModalityType.Image && (info.EncoderEmbedding is not null || info.DecoderEmbedding is not null) && info.MaxLength is not > 0)
            throw new ArgumentException($"sequence modality '{info.Name}' needs a positive max_length");
        if (info.Type != ModalityType.Image && info.SinCosPositions && info.MaxLength > info.MaxSinCosPositions)
            throw new ArgumentException($"modality '{info.Name}': max_length {info.MaxLength} exceeds the {info.MaxSinCosPositions} sin-cos positions");
        if (info.EncoderEmbedding == EncoderEmbeddingKind.ImagePixels && info.NumChannels is not > 0)
            throw new ArgumentException($"pixel modality '{info.Name}' needs num_channels");
        if (info.EncoderEmbedding == EncoderEmbeddingKind.SequenceEmbedding && info.OriginalEmbeddingDim is not > 0)
            throw new ArgumentException($"embedding modality '{info.Name}' needs orig_emb_dim");
    }
}
