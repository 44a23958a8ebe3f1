using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Assembly;

/// <summary>The reference's <c>adapt_decoder_attention_mask</c>: compressed per-token counts → full (B,M,M) mask, True = blocked.</summary>
public static class DecoderAttentionMask
{
    /// <param name="compressed">(B,M) integers: <c>blocked[b,i,j] = j ≥ cumsum(a[b])[i]</c>.</param>
    /// <param name="modMask">(B,M) modality ids; with <paramref name="separateModalities"/> attention across modalities is blocked.</param>
    public static Tensor Expand(Tensor compressed, Tensor modMask, bool causal, bool separateModalities)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (compressed.shape[0], compressed.shape[1]);
        Tensor mask;
        if (causal)
        {
            mask = ones(new long[] { length, length }, ScalarType.Bool, compressed.device).triu(1).expand(batch, -1, -1);
        }
        else
        {
            var columns = ScalarOperands.Range(length, ScalarType.Int64, compressed.device).reshape(1, 1, length);
            var reach = compressed.to_type(ScalarType.Int64).cumsum(-1).unsqueeze(-1);
            mask = columns.ge(reach);
        }
        if (separateModalities) mask = mask.logical_or(modMask.unsqueeze(1).ne(modMask.unsqueeze(2)));
        return mask.contiguous().MoveToOuterDisposeScope();
    }
}
