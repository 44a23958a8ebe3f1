using static TorchSharp.torch;

namespace FourM.Model;

/// <summary>
/// One modality of a sample dict (the reference's <c>mod_dict[m]</c>): <c>Tensor</c> (pixels, ids or embeddings),
/// <c>InputMask</c>/<c>TargetMask</c> (B,N) bool with True = not used, and the compressed <c>DecoderAttentionMask</c> (B,N) int.
/// </summary>
public sealed record ModalityInput(Tensor Tensor, Tensor InputMask, Tensor TargetMask, Tensor DecoderAttentionMask);
