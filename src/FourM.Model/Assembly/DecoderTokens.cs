using static TorchSharp.torch;

namespace FourM.Model.Assembly;

/// <summary>
/// The assembled decoder sequence: <c>Tokens</c>/<c>Emb</c> (B,M,D) zeroed at padding, <c>Mask</c> (B,1,M) True = padding,
/// <c>TargetIds</c> (B,M) int64 (0 at padding), <c>AttentionMask</c> (B,M,M) True = blocked, <c>ModMask</c> (B,M) int16 (-1 at padding).
/// </summary>
public sealed record DecoderTokens(Tensor Tokens, Tensor Emb, Tensor Mask, Tensor TargetIds, Tensor AttentionMask, Tensor ModMask) : IDisposable
{
    public void Dispose()
    {
        Tokens.Dispose();
        Emb.Dispose();
        Mask.Dispose();
        TargetIds.Dispose();
        AttentionMask.Dispose();
        ModMask.Dispose();
    }
}

/// <summary>
/// One modality's contribution to the decoder, before the reference's per-type rearrangement: decoder inputs <c>X</c> (B,N,D),
/// <c>Emb</c>, target <c>Ids</c> (B,N), <c>TargetMask</c> (B,N) True = not a target, and the compressed attention mask (B,N).
/// </summary>
public sealed record DecoderPart(string Modality, short ModalityId, bool IsSequence, Tensor X, Tensor Emb, Tensor Ids, Tensor TargetMask,
    Tensor CompressedAttentionMask);
