namespace FourM.Model.Modules;

/// <summary>How attention probabilities are computed.</summary>
public enum AttentionKernel
{
    /// <summary>The reference's explicit softmax: <c>softmax(masked_fill(q·kᵀ·scale, mask, -max))·v</c>. Bit-for-bit parity path.</summary>
    Exact,
    /// <summary><c>scaled_dot_product_attention</c> (flash / memory-efficient kernels on CUDA). Same maths up to rounding.</summary>
    Fused,
}
