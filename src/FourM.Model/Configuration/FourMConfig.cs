namespace FourM.Model.Configuration;

/// <summary>
/// The model configuration, with the reference's config keys (config.json / safetensors metadata) in brackets.
/// Defaults are the released "SwiGLU, no bias" B model.
/// </summary>
public sealed record FourMConfig
{
    /// <summary>[domains_in] encoder modalities, in config order.</summary>
    public required IReadOnlyList<string> DomainsIn { get; init; }

    /// <summary>[domains_out] decoder modalities, in config order.</summary>
    public required IReadOnlyList<string> DomainsOut { get; init; }

    /// <summary>[image_size] default image size for image modalities that do not fix their own.</summary>
    public int ImageSize { get; init; } = 224;

    /// <summary>[patch_size] default patch size.</summary>
    public int PatchSize { get; init; } = 16;

    public int Dim { get; init; } = 768;
    public int EncoderDepth { get; init; } = 12;
    public int DecoderDepth { get; init; } = 12;
    public int NumHeads { get; init; } = 12;
    public double MlpRatio { get; init; } = 4.0;
    public bool QkvBias { get; init; }
    public bool ProjBias { get; init; }
    public bool MlpBias { get; init; }

    /// <summary>[norm_bias] false: LayerNorm keeps a zero bias buffer instead of a parameter.</summary>
    public bool NormBias { get; init; }

    /// <summary>[act_layer] name of the torch.nn activation class: SiLU or GELU.</summary>
    public string ActLayer { get; init; } = "SiLU";

    public bool GatedMlp { get; init; } = true;
    public bool QkNorm { get; init; }
    public bool ShareModalityEmbeddings { get; init; } = true;
    public bool DecoderCausalMask { get; init; }
    public bool DecoderSepMask { get; init; } = true;
    public int NumRegisterTokens { get; init; }

    public int HeadDim => Dim / NumHeads;

    /// <summary>MLP hidden width: <c>int(dim*mlp_ratio)</c>, times 2/3 (truncated) for the gated variant.</summary>
    public int MlpHiddenDim => GatedMlp ? (int)(2 * (int)(Dim * MlpRatio) / 3.0) : (int)(Dim * MlpRatio);

    /// <summary>Throws when the numbers cannot describe a model (names the offending key).</summary>
    public void Validate(string source)
    {
        void Check(bool ok, string message)
        {
            if (!ok) throw new FormatException($"{source}: {message}");
        }
        Check(Dim > 0 && NumHeads > 0 && Dim % NumHeads == 0, $"dim {Dim} must be a positive multiple of num_heads {NumHeads}");
        Check(EncoderDepth >= 0 && DecoderDepth >= 0, "encoder_depth and decoder_depth must be non-negative");
        Check(MlpRatio > 0, $"mlp_ratio {MlpRatio} must be positive");
        Check(ImageSize > 0 && PatchSize > 0, "image_size and patch_size must be positive");
        Check(ActLayer is "SiLU" or "GELU", $"act_layer '{ActLayer}' is not supported (SiLU or GELU)");
        Check(NumRegisterTokens >= 0, "num_register_tokens must be non-negative");
        Check(DomainsIn.Count > 0, "domains_in is empty");
    }
}
