using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Modules;

/// <summary>
/// Multi-head attention over already split heads: q (B,H,N,hd), k/v (B,H,M,hd); mask broadcastable to (B,H,N,M), boolean
/// (True = blocked), or for the fused kernel also additive (<see cref="FusedAttentionMask"/>).
/// </summary>
internal static class AttentionMath
{
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, Tensor? mask, double scale, AttentionKernel kernel)
    {
        using var scope = NewDisposeScope();
        Tensor result;
        if (kernel == AttentionKernel.Fused)
        {
            // SDPA's boolean mask means "may attend". A row with every key blocked would produce NaN there (the reference
            // gives a uniform average instead); such rows only occur for padding, so open them to keep NaN out of later layers.
            // An additive mask (FusedAttentionMask, built once per pass) is SDPA's own form and has such rows opened already.
            Tensor? allowed = mask is { dtype: not ScalarType.Bool } ? mask : null;
            if (mask is { dtype: ScalarType.Bool })
            {
                allowed = mask.logical_not();
                var fullyBlocked = mask.all(-1, keepdim: true);
                allowed = allowed.logical_or(fullyBlocked);
            }
            result = nn.functional.scaled_dot_product_attention(q, k, v, allowed);
        }
        else
        {
            var scores = Scores(q, k, scale);
            if (mask is not null) scores.FillWhereInPlace(mask, -finfo(scores.dtype).max);
            result = scores.softmax(-1).matmul(v);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The reference's <c>(q @ kᵀ) * scale</c>. When the scale is a power of two (head dim 64 in every 4M size) scaling q first
    /// gives the same bits (scaling by 2ⁿ is exact and commutes with every rounding of the product and its sums) and touches
    /// N·hd values instead of N·M.
    /// </summary>
    private static Tensor Scores(Tensor q, Tensor k, double scale)
    {
        bool exactlyScalable = Math.ScaleB(1.0, Math.ILogB(scale)) == scale;
        return exactlyScalable ? q.MulBy(scale).matmul(k.transpose(-2, -1)) : q.matmul(k.transpose(-2, -1)).MulBy(scale);
    }

    /// <summary>
    /// A (B,N,M) mask with the head axis added, (B,1,N,M); a mask that has it already is returned as it is, so a pass can add
    /// it once for all its layers instead of one host call per attention.
    /// </summary>
    public static Tensor? WithHeadAxis(Tensor? mask) => mask is null || mask.dim() == 4 ? mask : mask.unsqueeze(1);

    /// <summary>(B,N,H*hd) → (B,H,N,hd).</summary>
    public static Tensor SplitHeads(Tensor x, long heads)
    {
        var (b, n, c) = (x.shape[0], x.shape[1], x.shape[2]);
        // One position (an incremental decoding step): the head split is a plain reshape, one host call instead of two.
        if (n == 1) return x.reshape(b, heads, 1, c / heads);
        return x.reshape(b, n, heads, c / heads).permute(0, 2, 1, 3);
    }

    /// <summary>(B,H,N,hd) → (B,N,H*hd).</summary>
    public static Tensor MergeHeads(Tensor x)
    {
        var (b, h, n, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        // One position: the heads already lie in merged order, so one reshape does (a copy only if SDPA's output is strided).
        if (n == 1) return x.reshape(b, 1, h * d);
        return x.transpose(1, 2).reshape(b, n, h * d);
    }
}
