using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Modules;

/// <summary>
/// A boolean attention mask (True = blocked) in the additive form <c>scaled_dot_product_attention</c> computes with: 0 where
/// allowed, −inf where blocked, built once per encoder or decoder pass. Given the boolean mask, every layer paid for the
/// fully-blocked-row fix (three kernels) and SDPA's own conversion and, for the memory-efficient kernel, a copy into storage
/// whose rows are 16-aligned: 5–7 launches per attention call, which bound padded batches on a GPU. The values are the ones
/// SDPA derives from the boolean mask, so the attention output is the same.
/// </summary>
internal static class FusedAttentionMask
{
    /// <summary>Row alignment (elements) the memory-efficient kernel wants; narrower rows are re-padded on every call.</summary>
    private const long Alignment = 16;

    /// <summary>The mask as <paramref name="kernel"/> takes it: additive for <see cref="AttentionKernel.Fused"/>, else unchanged.</summary>
    public static Tensor? ForKernel(Tensor? blocked, AttentionKernel kernel, ScalarType dtype) =>
        blocked is null || kernel != AttentionKernel.Fused || blocked.dtype != ScalarType.Bool ? blocked : Create(blocked, dtype);

    /// <summary>
    /// (…, M) bool → (…, M) additive in <paramref name="dtype"/>, its rows 16-aligned in memory. A row with every key blocked
    /// (only padding rows) is opened instead: SDPA would give NaN there, the reference a uniform average.
    /// </summary>
    public static Tensor Create(Tensor blocked, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var keep = blocked.logical_and(blocked.all(-1, keepdim: true).logical_not());
        long keys = blocked.shape[^1], padded = (keys + Alignment - 1) / Alignment * Alignment;
        var additive = zeros([.. blocked.shape[..^1], padded], dtype: dtype, device: blocked.device).narrow(-1, 0, keys);
        additive.FillWhereInPlace(keep, double.NegativeInfinity);
        return additive.MoveToOuterDisposeScope();
    }
}
