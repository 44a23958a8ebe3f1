namespace FourM.Model.Modules;

/// <summary>How the feed-forward's hidden width is laid out for its matrix multiplications.</summary>
public enum MlpLayout
{
    /// <summary>The checkpoint's width, computed as the reference does. Bit-for-bit parity path (and the CPU default).</summary>
    Reference,

    /// <summary>
    /// The hidden width zero-padded to a multiple of <see cref="HiddenPadding.Multiple"/>. 4M's gated width <c>int(8·dim/3)</c>
    /// is 2730 for L and 5461 for XL: bf16 rows of that length are misaligned for tensor-core GEMMs, which then run 3–8× slower
    /// on an H200 (<c>bench/gemm_probe.py</c>). The padded units have zero weights in and out, so the function is the same;
    /// only the GEMM's summation order, hence rounding, may differ. The CUDA default.
    /// </summary>
    Aligned,
}
