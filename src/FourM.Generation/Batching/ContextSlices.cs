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
        // One gather. A padding slot repeats its context's first row instead of reading a zero row: the decoder blocks padded
        // keys, so their values never count (the encoder's own padded output, used as is above, holds other finite values
        // there too), and no zero row means no concatenation when the rows come from one block.
        var index = new long[contexts.Count * max];
        for (int i = 0; i < contexts.Count; i++)
        {
            long first = start[contexts[i].Block] + contexts[i].Offset;
            for (long k = 0; k < max; k++) index[i * max + k] = first + (k < lengths[i] ? k : 0);
        }
        var width = block.Rows.shape[1];
        var source = blocks.Count == 1 ? block.Rows : torch.cat(blocks.Select(b => b.Rows).ToArray(), 0);
        var padded = source.index_select(0, DeviceArrays.Copy(index, network.Device)).reshape(contexts.Count, max, width);
        return (padded.MoveToOuterDisposeScope(), lengths);
    }
}
