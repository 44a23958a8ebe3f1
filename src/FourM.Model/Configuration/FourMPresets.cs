using FourM.Model.Modalities;

namespace FourM.Model.Configuration;

/// <summary>Trunk sizes of the reference presets (<c>fm_{size}_..._{variant}</c>).</summary>
public enum FourMSize
{
    Tiny,
    Small,
    Base,
    Large,
    XLarge,
}

/// <summary>Block variants of the reference presets.</summary>
public enum FourMVariant
{
    /// <summary><c>_gelu</c>: plain GELU MLP, biases everywhere, LayerNorm with bias.</summary>
    Gelu,
    /// <summary><c>_swiglu_nobias</c>: the released models.</summary>
    SwiGluNoBias,
    /// <summary><c>_swiglu_qknorm_nobias</c>: as above plus LayerNorm on queries and keys.</summary>
    SwiGluQkNormNoBias,
}

/// <summary>Builds configs of the reference presets for any modality set.</summary>
public static class FourMPresets
{
    public static FourMConfig Create(FourMSize size, FourMVariant variant, IReadOnlyList<string>? domainsIn = null,
        IReadOnlyList<string>? domainsOut = null)
    {
        var (dim, depth, heads) = size switch
        {
            FourMSize.Tiny => (384, 6, 6),
            FourMSize.Small => (512, 8, 8),
            FourMSize.Base => (768, 12, 12),
            FourMSize.Large => (1024, 24, 16),
            FourMSize.XLarge => (2048, 24, 32),
            _ => throw new ArgumentOutOfRangeException(nameof(size), size, null),
        };
        var gelu = variant == FourMVariant.Gelu;
        return new FourMConfig
        {
            DomainsIn = domainsIn ?? ModalitySets.FourM7Inputs,
            DomainsOut = domainsOut ?? ModalitySets.FourM7Outputs,
            Dim = dim,
            EncoderDepth = depth,
            DecoderDepth = depth,
            NumHeads = heads,
            QkvBias = gelu,
            ProjBias = gelu,
            MlpBias = gelu,
            NormBias = gelu,
            ActLayer = gelu ? "GELU" : "SiLU",
            GatedMlp = !gelu,
            QkNorm = variant == FourMVariant.SwiGluQkNormNoBias,
        };
    }

    /// <summary>Parses "tiny|small|base|large|xlarge" or the short forms T, S, B, L, XL (case-insensitive).</summary>
    public static FourMSize ParseSize(string text) => text.Trim().ToLowerInvariant() switch
    {
        "t" or "tiny" => FourMSize.Tiny,
        "s" or "small" => FourMSize.Small,
        "b" or "base" => FourMSize.Base,
        "l" or "large" => FourMSize.Large,
        "xl" or "xlarge" => FourMSize.XLarge,
        _ => throw new FormatException($"unknown model size '{text}' (tiny, small, base, large, xlarge or T, S, B, L, XL)"),
    };

    public static FourMVariant ParseVariant(string text) => text.Trim().ToLowerInvariant() switch
    {
        "gelu" => FourMVariant.Gelu,
        "swiglu_nobias" => FourMVariant.SwiGluNoBias,
        "swiglu_qknorm_nobias" => FourMVariant.SwiGluQkNormNoBias,
        _ => throw new FormatException($"unknown variant '{text}' (gelu, swiglu_nobias, swiglu_qknorm_nobias)"),
    };
}
