using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>Multi-head attention over already split heads: q (B,H,N,hd), k/v (B,H,M,hd); mask broadcastable to (B,H,N,M), True = blocked.</summary>
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
            Tensor? allowed = null;
            if (mask is not null)
            {
                allowed = mask.logical_not();
                var fullyBlocked = mask.all(-1, keepdim: true);
                allowed = allowed.logical_or(fullyBlocked);
            }
            result = nn.functional.scaled_dot_product_attention(q, k, v, allowed);
        }
        else
        {
            var scores = q.matmul(k.transpose(-2, -1)).mul(scale);
            if (mask is not null) scores = scores.masked_fill(mask, -finfo(scores.dtype).max);
            result = scores.softmax(-1).matmul(v);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>(B,N,H*hd) → (B,H,N,hd).</summary>
    public static Tensor SplitHeads(Tensor x, long heads)
    {
        var (b, n, c) = (x.shape[0], x.shape[1], x.shape[2]);
        return x.reshape(b, n, heads, c / heads).permute(0, 2, 1, 3);
    }

    /// <summary>(B,H,N,hd) → (B,N,H*hd).</summary>
    public static Tensor MergeHeads(Tensor x)
    {
        var (b, h, n, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        return x.transpose(1, 2).reshape(b, n, h * d);
    }
}
