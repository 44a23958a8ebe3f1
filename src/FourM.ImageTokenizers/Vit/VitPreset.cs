namespace FourM.ImageTokenizers.Vit;

/// <summary>
/// Head counts of the reference ViT presets (<c>vit_models.py</c>). Width and depth are read from the checkpoint's
/// tensors, but the head count leaves no trace in the shapes, so it comes from the preset name (or the metadata key
/// <c>num_heads</c> / <c>enc_num_heads</c> / <c>dec_num_heads</c> when present).
/// </summary>
public static class VitPreset
{
    private static readonly Dictionary<string, int> HeadsByPreset = new(StringComparer.Ordinal)
    {
        ["vit_s_enc"] = 8, ["vit_s_dec"] = 8,
        ["vit_b_enc"] = 12, ["vit_b_dec"] = 12,
        ["vit_l_enc"] = 16, ["vit_l_dec"] = 16,
        // The golden set's tiny tokenizers (dim 64, 2 blocks, 2 heads).
        ["vit_golden_enc"] = 2, ["vit_golden_dec"] = 2,
    };

    /// <summary>The head count for a preset; unknown presets fall back to the reference's 64-wide heads.</summary>
    public static int Heads(string preset, long width, int? configured)
    {
        if (configured is { } h) return h;
        if (HeadsByPreset.TryGetValue(preset, out var heads)) return heads;
        if (width % 64 == 0) return (int)(width / 64);
        throw new InvalidDataException(
            $"unknown ViT preset '{preset}' of width {width}: set 'num_heads' in the checkpoint metadata");
    }
}
