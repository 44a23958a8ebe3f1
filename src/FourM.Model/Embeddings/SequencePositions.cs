using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Embeddings;

/// <summary>
/// Position embeddings of a sequence whose valid tokens are not contiguous: position ids count valid tokens
/// (<c>cumsum(~mask) - 1</c>); masked slots get id 0 and a zero embedding.
/// </summary>
internal static class SequencePositions
{
    /// <param name="table">(1, rows, D) position table.</param>
    /// <param name="mask">(B, L) bool, True = not part of this sequence.</param>
    /// <param name="maxLength">When set, ids at or beyond it become 0 (the decoder rule).</param>
    public static Tensor Gather(Tensor table, Tensor mask, long? maxLength, string modality, bool validate = true)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (mask.shape[0], mask.shape[1]);
        var ids = mask.logical_not().to_type(ScalarType.Int64).cumsum(1).Minus(1).FillWhere(mask, 0L);
        if (maxLength is { } limit) ids = ids.FillWhere(ids.AtLeast(limit), 0L);
        var rows = table.shape[1];
        if (validate && ids.numel() > 0)
        {
            var largest = ids.max().item<long>();
            if (largest >= rows)
                throw new ArgumentException($"modality '{modality}': {largest + 1} valid tokens exceed the {rows} positions of its embedding table");
        }
        var positions = table.squeeze(0).index_select(0, ids.reshape(-1)).reshape(batch, length, table.shape[2]);
        return positions.FillWhere(mask.unsqueeze(-1), 0L).MoveToOuterDisposeScope();
    }
}
