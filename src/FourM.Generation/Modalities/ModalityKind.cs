namespace FourM.Generation.Modalities;

/// <summary>The reference's <c>MODALITY_INFO[m]['type']</c>: what kind of tensor a modality holds and how it is decoded.</summary>
public enum ModalityKind
{
    /// <summary>Image-like token grid (or pixels for <c>rgb@*</c>): decoded with MaskGIT or ROAR.</summary>
    Image,
    /// <summary>Token sequence over the text vocabulary: decoded autoregressively.</summary>
    Sequence,
    /// <summary>Sequence of precomputed embeddings (t5_caption): input only.</summary>
    SequenceEmbedding,
}
