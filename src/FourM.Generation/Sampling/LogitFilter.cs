using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Generation.Sampling;

/// <summary>
/// The reference's <c>top_k_top_p_filtering</c> on (rows, V) logits: removed entries become −∞. Top-p uses the untempered
/// softmax, always keeps the most likely token and keeps every token up to and including the first that crosses the mass.
/// Returns a new tensor (the input is not modified).
/// </summary>
public static class LogitFilter
{
    public static Tensor Apply(Tensor logits, TopK topK, double topP)
    {
        if (!topK.Enabled && !(topP > 0.0)) return logits.clone();
        using var scope = NewDisposeScope();
        // Out-of-place fills instead of clone + in-place fills: one (rows, V) copy fewer per filter.
        var filtered = logits;
        if (topK.Enabled)
        {
            int k = topK.Resolve((int)logits.shape[^1]);
            // A fraction below 1/V gives k = 0, where the reference fails indexing an empty top-k; keep the most likely token instead.
            k = Math.Max(k, 1);
            var kth = logits.topk(k, dim: -1).values.narrow(-1, k - 1, 1);
            filtered = filtered.FillWhere(logits.lt(kth), double.NegativeInfinity);
        }
        if (topP > 0.0) filtered = TopPFilter.Apply(filtered, topP);
        return filtered.MoveToOuterDisposeScope();
    }
}
