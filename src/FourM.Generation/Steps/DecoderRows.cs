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
    /// <returns>(K_i, D) decoder outputs per problem.</returns>
    public static IReadOnlyList<Tensor> Decode(IGenerationNetwork network, IReadOnlyList<Tensor> queries, IReadOnlyList<Tensor> contexts)
    {
        using var scope = NewDisposeScope();
        var queryLengths = queries.Select(q => q.shape[0]).ToArray();
        var contextLengths = contexts.Select(c => c.shape[0]).ToArray();
        long maxQuery = queryLengths.Max(), maxContext = contextLengths.Max();
        var y = EncoderPass.Pad(queries, maxQuery, network);
        var context = EncoderPass.Pad(contexts, maxContext, network);
        var contextPadding = EncoderPass.PaddingMask(contextLengths, maxContext, network.Device);
        var keyPadding = EncoderPass.PaddingMask(queryLengths, maxQuery, network.Device);
        var selfMask = keyPadding?.unsqueeze(1).expand(queries.Count, maxQuery, maxQuery);
        var decoded = network.Decode(y, context, contextPadding, selfMask);
        var result = new List<Tensor>(queries.Count);
        for (int i = 0; i < queries.Count; i++) result.Add(decoded[i].narrow(0, 0, queryLengths[i]).MoveToOuterDisposeScope());
        return result;
    }
}
