using static TorchSharp.torch;

namespace FourM.Model.Embeddings;

/// <summary>An encoder adapter's result: content <c>x</c> (B,N,D) and position+modality embedding <c>emb</c> (B,N,D).</summary>
public sealed record EncoderEmbeddingOutput(Tensor X, Tensor Emb);

/// <summary>
/// A decoder adapter's <c>forward_embed</c>: <c>X</c> is the teacher-forced token embedding for sequences and null for image
/// targets (whose decoder input is the mask token); <c>Emb</c> (B,N,D); <c>Ids</c> (B,N) the target ids.
/// </summary>
public sealed record DecoderEmbeddingOutput(Tensor? X, Tensor Emb, Tensor Ids);
