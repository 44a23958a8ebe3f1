using FourM.Model.Modalities;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Embeddings;

/// <summary>An encoder adapter: turns a modality's raw tensor into tokens <c>x</c> and embeddings <c>emb</c>.</summary>
public abstract class EncoderEmbedding : ModalityEmbeddingBase
{
    protected EncoderEmbedding(string name, ModalityInfo modality, long dim, long positionRows, long? gridHeight, long? gridWidth,
        Device device, ScalarType dtype)
        : base(name, modality, dim, positionRows, gridHeight, gridWidth, null, device, dtype)
    {
    }

    /// <summary>Number of tokens the adapter produces for a given input tensor's shape.</summary>
    public abstract long TokenCount(Tensor tensor);

    /// <param name="tensor">Pixels (B,C,H,W), ids (B,H,W)/(B,N)/(B,L), or embeddings (B,L,E).</param>
    /// <param name="inputMask">(B,N) bool, True = not an input; sequences use it for position ids.</param>
    public abstract EncoderEmbeddingOutput Embed(Tensor tensor, Tensor inputMask);

    public static EncoderEmbedding Create(ModalityInfo modality, int defaultImageSize, int defaultPatchSize, long dim, Device device, ScalarType dtype) =>
        modality.EncoderEmbedding switch
        {
            EncoderEmbeddingKind.ImagePixels => new ImageEncoderEmbedding(modality, defaultImageSize, defaultPatchSize, dim, device, dtype),
            EncoderEmbeddingKind.ImageTokens => new ImageTokenEncoderEmbedding(modality, defaultImageSize, defaultPatchSize, dim, device, dtype),
            EncoderEmbeddingKind.Sequence => new SequenceEncoderEmbedding(modality, dim, device, dtype),
            EncoderEmbeddingKind.SequenceEmbedding => new SequenceEmbEncoderEmbedding(modality, dim, device, dtype),
            _ => throw new ArgumentException($"modality '{modality.Name}' has no encoder embedding"),
        };
}

/// <summary>A decoder adapter: target embeddings (<c>forward_embed</c>) and the output head (<c>to_logits</c>).</summary>
public abstract class DecoderEmbedding : ModalityEmbeddingBase
{
    protected DecoderEmbedding(string name, ModalityInfo modality, long dim, long positionRows, long? gridHeight, long? gridWidth,
        Parameter? sharedModalityEmbedding, Device device, ScalarType dtype)
        : base(name, modality, dim, positionRows, gridHeight, gridWidth, sharedModalityEmbedding, device, dtype)
    {
    }

    public abstract DecoderEmbeddingOutput EmbedTarget(Tensor tensor, Tensor targetMask);

    /// <summary>Embeds token ids (B,L) with the adapter's input embedding table (teacher forcing / AR inputs).</summary>
    public abstract Tensor EmbedTokens(Tensor ids);

    /// <summary>(…, D) → (…, V).</summary>
    public abstract Tensor Logits(Tensor y);

    public static DecoderEmbedding Create(ModalityInfo modality, int defaultImageSize, int defaultPatchSize, long dim,
        Parameter? sharedModalityEmbedding, Device device, ScalarType dtype) =>
        modality.DecoderEmbedding switch
        {
            DecoderEmbeddingKind.ImageTokens => new ImageTokenDecoderEmbedding(modality, defaultImageSize, defaultPatchSize, dim, sharedModalityEmbedding, device, dtype),
            DecoderEmbeddingKind.Sequence => new SequenceDecoderEmbedding(modality, dim, sharedModalityEmbedding, device, dtype),
            _ => throw new ArgumentException($"modality '{modality.Name}' has no decoder embedding"),
        };
}
