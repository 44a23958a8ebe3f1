namespace FourM.Model.Modalities;

/// <summary>
/// Everything the model needs to know about one modality (the reference's <c>MODALITY_INFO</c> entry).
/// Image modalities without <see cref="ImageSize"/> use the model's configured image size (as the global-feature tokens do).
/// </summary>
public sealed record ModalityInfo
{
    public required string Name { get; init; }
    public required ModalityType Type { get; init; }
    public EncoderEmbeddingKind? EncoderEmbedding { get; init; }
    public DecoderEmbeddingKind? DecoderEmbedding { get; init; }

    /// <summary>Token vocabulary (null for pixels and precomputed embeddings).</summary>
    public int? VocabSize { get; init; }

    /// <summary>Sequences: the embedding's <c>max_length</c> (decoder position ids at or beyond it become 0).</summary>
    public int? MaxLength { get; init; }

    /// <summary>Sequences: the data pipeline's <c>max_tokens</c> (may exceed <see cref="MaxLength"/>, e.g. human_poses).</summary>
    public int? MaxTokens { get; init; }

    public int? PatchSize { get; init; }
    public int? ImageSize { get; init; }

    /// <summary>Pixel channels for <see cref="EncoderEmbeddingKind.ImagePixels"/>.</summary>
    public int? NumChannels { get; init; }

    /// <summary>Width of precomputed embeddings for <see cref="EncoderEmbeddingKind.SequenceEmbedding"/> (T5-XXL: 4096).</summary>
    public int? OriginalEmbeddingDim { get; init; }

    /// <summary>False for the learned position tables of the global-feature tokens.</summary>
    public bool SinCosPositions { get; init; } = true;

    /// <summary>Rows of the 1D sin-cos table the reference builds for sequences (512; its <c>[:max_length]</c> slice cuts nothing).</summary>
    public int MaxSinCosPositions { get; init; } = 512;

    public short Id => ModalityId.Compute(Name);

    public bool IsImage => Type == ModalityType.Image;

    /// <summary>Token grid (rows, columns) of an image modality for the given model defaults.</summary>
    public (int Height, int Width) Grid(int defaultImageSize, int defaultPatchSize)
    {
        if (!IsImage) throw new InvalidOperationException($"modality '{Name}' is a {Type}, not an image grid");
        var image = ImageSize ?? defaultImageSize;
        var patch = PatchSize ?? defaultPatchSize;
        return (image / patch, image / patch);
    }

    /// <summary>Number of tokens the modality contributes at most (grid cells for images, max_tokens for sequences).</summary>
    public int TokenCount(int defaultImageSize, int defaultPatchSize)
    {
        if (IsImage)
        {
            var (h, w) = Grid(defaultImageSize, defaultPatchSize);
            return h * w;
        }
        return MaxTokens ?? MaxLength ?? 0;
    }
}
