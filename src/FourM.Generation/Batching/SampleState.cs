namespace FourM.Generation.Batching;

/// <summary>
/// Plain-data tensors of one modality of one sample (the reference's <c>mod_dict[m]</c> at batch size 1).
/// Masks follow the reference convention: <c>false</c> = used (input the encoder sees / target the decoder predicts).
/// </summary>
public sealed class ModalityState
{
    public required string Modality { get; init; }
    /// <summary>Token ids (empty for pixel modalities).</summary>
    public required long[] Tokens { get; init; }
    public required bool[] InputMask { get; init; }
    public required bool[] TargetMask { get; init; }
    /// <summary>Compressed decoder attention mask (sequence modalities), or null.</summary>
    public int[]? DecoderAttentionMask { get; init; }
    /// <summary>Pixels (C,H,W row-major) for pixel-input modalities such as <c>rgb@224</c>, else null.</summary>
    public float[]? Pixels { get; init; }
    public int[]? PixelShape { get; init; }

    public ModalityState Clone() => new()
    {
        Modality = Modality,
        Tokens = (long[])Tokens.Clone(),
        InputMask = (bool[])InputMask.Clone(),
        TargetMask = (bool[])TargetMask.Clone(),
        DecoderAttentionMask = (int[]?)DecoderAttentionMask?.Clone(),
        Pixels = Pixels,            // pixels are never modified by generation: share them
        PixelShape = PixelShape,
    };
}

/// <summary>One sample's modalities, in insertion order (the order matters: it is the encoder's concatenation order).</summary>
public sealed class SampleState
{
    public List<ModalityState> Modalities { get; init; } = new();

    public ModalityState this[string modality] =>
        Modalities.Find(m => m.Modality == modality) ?? throw new KeyNotFoundException($"modality '{modality}' is not in the sample");

    public bool Contains(string modality) => Modalities.Exists(m => m.Modality == modality);

    public SampleState Clone() => new() { Modalities = Modalities.ConvertAll(m => m.Clone()) };
}
