namespace FourM.Model.Modalities;

/// <summary>The reference's modality <c>type</c>: it decides how decoder tokens are assembled (image: mask token; sequence: shifted teacher forcing).</summary>
public enum ModalityType
{
    /// <summary><c>img</c>: a 2D grid (pixels or image-like tokens).</summary>
    Image,
    /// <summary><c>seq</c>: a token sequence (text vocabulary).</summary>
    Sequence,
    /// <summary><c>seq_emb</c>: a sequence of precomputed embeddings (T5 caption), input only.</summary>
    SequenceEmbedding,
}

/// <summary>Which encoder adapter a modality uses (reference class in parentheses).</summary>
public enum EncoderEmbeddingKind
{
    /// <summary>Patch projection of pixels (<c>ImageEncoderEmbedding</c>).</summary>
    ImagePixels,
    /// <summary>Token embedding on a grid (<c>ImageTokenEncoderEmbedding</c>).</summary>
    ImageTokens,
    /// <summary>Token embedding of a sequence (<c>SequenceEncoderEmbedding</c>).</summary>
    Sequence,
    /// <summary>Projection of precomputed embeddings (<c>SequenceEmbEncoderEmbedding</c>).</summary>
    SequenceEmbedding,
}

/// <summary>Which decoder adapter a modality uses (reference class in parentheses).</summary>
public enum DecoderEmbeddingKind
{
    /// <summary><c>ImageTokenDecoderEmbedding</c>: inputs are the mask token, outputs logits per grid cell.</summary>
    ImageTokens,
    /// <summary><c>SequenceDecoderEmbedding</c>: teacher-forced token inputs, shifted targets.</summary>
    Sequence,
}
