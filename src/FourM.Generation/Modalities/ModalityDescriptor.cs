namespace FourM.Generation.Modalities;

/// <param name="Name">Modality name as in checkpoints, e.g. <c>tok_rgb@224</c>.</param>
/// <param name="Kind">Image, sequence or sequence-embedding.</param>
/// <param name="MaxTokens">Image: tokens of the grid; sequence: the reference's <c>max_tokens</c> (AR decoding length cap).</param>
/// <param name="IsPixels">True for pixel inputs (<c>rgb@224</c>): never a generation target.</param>
/// <param name="VocabSize">Token vocabulary when known: token inputs are checked against it when a request is planned.</param>
public sealed record ModalityDescriptor(string Name, ModalityKind Kind, int MaxTokens, bool IsPixels = false, int? VocabSize = null);
