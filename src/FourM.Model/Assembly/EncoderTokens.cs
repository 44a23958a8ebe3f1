using static TorchSharp.torch;

namespace FourM.Model.Assembly;

/// <summary>
/// The assembled encoder sequence: <c>Tokens</c> and <c>Emb</c> (B,N,D) zeroed at padding, <c>Mask</c> (B,1,N) True = padding
/// (reused as the decoder's cross-attention mask), <c>ModMask</c> (B,N) int16 modality ids, -1 at padding.
/// </summary>
public sealed record EncoderTokens(Tensor Tokens, Tensor Emb, Tensor Mask, Tensor ModMask) : IDisposable
{
    public void Dispose()
    {
        Tokens.Dispose();
        Emb.Dispose();
        Mask.Dispose();
        ModMask.Dispose();
    }
}

/// <summary>One modality's contribution to the encoder: adapter output plus its input mask (B,N), True = not an input.</summary>
public sealed record EncoderPart(string Modality, short ModalityId, Tensor X, Tensor Emb, Tensor InputMask);
