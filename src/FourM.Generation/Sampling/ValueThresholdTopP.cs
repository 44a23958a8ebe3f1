using System.Buffers;
using FourM.Generation.Batching;
using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Generation.Sampling;

/// <summary>
/// Top-p for CPU float32 logits, equal to the reference's sort-and-scatter but about a tenth of its sorting cost.
/// <para>
/// The reference's cumulative softmax is taken over the logits in descending order, and its summation order (so its
/// rounding) depends only on that sequence of values, not on which token holds which value. So: radix-sort the values
/// alone, run the reference's softmax, cumsum and comparison on them with torch, and read off the last kept rank r.
/// The kept tokens are then exactly those whose logit is at least the r-th value — unless a run of equal values
/// straddles the cut, where the reference's choice depends on its sort's order of equal keys. Such rows, NaN rows
/// and non-suffix removal patterns are declined (null) and the caller uses the reference's path.
/// </para>
/// </summary>
public static class ValueThresholdTopP
{
    public static Tensor? TryApply(Tensor logits, double topP)
    {
        using var scope = NewDisposeScope();
        int rows = checked((int)logits.shape[0]);
        int vocab = checked((int)logits.shape[1]);
        if (rows == 0 || vocab == 0) return logits.clone().MoveToOuterDisposeScope();
        // Views of tensor memory, not managed copies: per-step arrays of logits size would keep the garbage collector busy.
        var source = logits.contiguous();
        var sortedTensor = torch.empty([rows, vocab], ScalarType.Float32);
        var values = HostArrays.Span<float>(source);
        var sorted = HostArrays.Span<float>(sortedTensor);
        var scratch = ArrayPool<uint>.Shared.Rent(vocab);
        try
        {
            for (int r = 0; r < rows; r++)
                if (!DescendingFloatRadixSort.Sort(values.Slice(r * vocab, vocab), sorted.Slice(r * vocab, vocab), scratch))
                    return null;
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(scratch);
        }

        var remove = HostArrays.Span<bool>(sortedTensor.softmax(-1).cumsum(-1).GreaterThan(topP));
        var thresholds = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var rowRemove = remove.Slice(r * vocab, vocab);
            var rowSorted = sorted.Slice(r * vocab, vocab);
            int first = rowRemove.IndexOf(true);
            // The reference removes rank i when rank i-1 is marked: a suffix of marks keeps ranks 0..first.
            if (first < 0 || first == vocab - 1)
            {
                thresholds[r] = float.NegativeInfinity;
                continue;
            }
            if (rowRemove[first..].IndexOf(false) >= 0) return null;
            float cut = rowSorted[first];
            if (rowSorted[first + 1] == cut) return null;
            thresholds[r] = cut;
        }
        var threshold = torch.tensor(thresholds, [rows, 1]);
        return logits.FillWhere(logits.lt(threshold), double.NegativeInfinity).MoveToOuterDisposeScope();
    }
}
