using FourM.Model.Modules;
using FourM.Generation.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Stacks contexts into the padded (B, max, D) layout the decoder takes. What the padding slots hold is unspecified (finite
/// values): the decoder blocks them as keys, so they never reach an output, as in the reference, which zero-fills them.
/// </summary>
public static class ContextSlices
{
    /// <returns>The padded contexts in the caller's dispose scope, and each context's length.</returns>
    public static (Tensor Padded, long[] Lengths) Pad(IReadOnlyList<ContextSlice> contexts, IGenerationNetwork network)
    {
        var lengths = contexts.Select(c => c.Length).ToArray();
        long max = lengths.Max();
        var block = contexts[0].Block;
        if (block.RowStride == max && block.Rows.shape[0] == contexts.Count * max
            && contexts.Select((c, i) => c.Block == block && c.Offset == i * max).All(x => x))
        {
            // The decoder rows are the encoder pass's rows, in order: its padded output is already the layout.
            return (block.Rows.reshape(contexts.Count, max, block.Rows.shape[1]), lengths);
        }
        using var scope = NewDisposeScope();
        var blocks = contexts.Select(c => c.Block).Distinct().ToList();
        var start = new Dictionary<ContextBlock, long>();
        long total = 0;
        foreach (var b in blocks) { start[b] = total; total += b.Rows.shape[0]; }
        // One gather; a padding slot reads its context's first row (PaddedLayout), so rows from one block need no concatenation.
        var index = PaddedLayout.Gather(contexts.Select(c => start[c.Block] + c.Offset).ToArray(), lengths, max);
        var width = block.Rows.shape[1];
        var source = blocks.Count == 1 ? block.Rows : torch.cat(blocks.Select(b => b.Rows).ToArray(), 0);
        var padded = source.index_select(0, DeviceArrays.Copy(index, network.Device)).reshape(contexts.Count, max, width);
        return (padded.MoveToOuterDisposeScope(), lengths);
    }
}
