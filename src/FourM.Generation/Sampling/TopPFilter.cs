using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Generation.Sampling;

/// <summary>
/// The reference's top-p on (rows, V) logits: sort descending, cumulative softmax, remove every token after the first
/// whose cumulative mass exceeds p (the most likely token always stays). On the CPU, float32 logits take
/// <see cref="ValueThresholdTopP"/>, which gives the same result without torch's key-value sort; other devices, and rows
/// that path declines, take the reference's sort-and-scatter.
/// </summary>
public static class TopPFilter
{
    public static Tensor Apply(Tensor logits, double topP)
    {
        if (logits.device_type == DeviceType.CPU && logits.dtype == ScalarType.Float32 && logits.dim() == 2
            && ValueThresholdTopP.TryApply(logits, topP) is { } filtered)
            return filtered;
        return ApplyBySortPermutation(logits, topP);
    }

    /// <summary>The reference's operations: sort with indices, cumulative softmax, shift, scatter back, fill.</summary>
    public static Tensor ApplyBySortPermutation(Tensor logits, double topP)
    {
        using var scope = NewDisposeScope();
        var (sortedLogits, sortedIndices) = logits.sort(dim: -1, descending: true);
        var cumulative = sortedLogits.softmax(-1).cumsum(-1);
        var remove = cumulative.GreaterThan(topP);
        var shifted = torch.zeros_like(remove);
        long vocab = remove.shape[^1];
        if (vocab > 1) shifted.narrow(-1, 1, vocab - 1).copy_(remove.narrow(-1, 0, vocab - 1));
        // Back to vocabulary order with one scatter through the sort's permutation (as the reference does), not a second sort.
        var removeInPlace = torch.zeros_like(shifted).scatter_(-1, sortedIndices, shifted);
        return logits.FillWhere(removeInPlace, double.NegativeInfinity).MoveToOuterDisposeScope();
    }
}
