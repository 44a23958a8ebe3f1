using FourM.Generation.Batching;
using FourM.Generation.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Steps;

/// <summary>
/// Runs several independent decoder problems (queries against their own context) as one padded batch: padded query slots
/// are blocked as keys in self-attention and padded context slots in cross-attention, so each output equals decoding its
/// problem alone (up to GEMM rounding).
/// </summary>
public static class DecoderRows
{
    /// <param name="queries">(K_i, D) decoder inputs per problem.</param>
    /// <param name="contexts">(M_i, D) contexts per problem.</param>
    /// <returns>(problems, max K_i, D): problem i's outputs are its first K_i rows (the rest is padding).</returns>
    public static Tensor DecodePadded(IGenerationNetwork network, IReadOnlyList<Tensor> queries, IReadOnlyList<ContextSlice> contexts)
    {
        using var scope = NewDisposeScope();
        var queryLengths = queries.Select(q => q.shape[0]).ToArray();
        long maxQuery = queryLengths.Max();
        var y = EncoderPass.Pad(queries, maxQuery, network);
        var (context, contextLengths) = ContextSlices.Pad(contexts, network);
        return network.DecodePadded(y, context, queryLengths, contextLengths).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The padded pass as masks: y (R,Q,D) against context (R,C,D), padded query slots blocked as keys in self-attention and
    /// padded context slots in cross-attention (no mask where nothing is padded).
    /// </summary>
    public static Tensor DecodeMasked(IGenerationNetwork network, Tensor y, Tensor context, long[] queryLengths, long[] contextLengths)
    {
        using var scope = NewDisposeScope();
        long rows = y.shape[0], maxQuery = y.shape[1];
        var contextPadding = EncoderPass.PaddingMask(contextLengths, context.shape[1], network.Device);
        var keyPadding = EncoderPass.PaddingMask(queryLengths, maxQuery, network.Device);
        var selfMask = keyPadding?.unsqueeze(1).expand(rows, maxQuery, maxQuery);
        return network.Decode(y, context, contextPadding, selfMask).MoveToOuterDisposeScope();
    }
}
