using FourM.Generation.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Encodes samples as rows of one padded batch, the way the reference's <c>forward_mask_encoder_generation</c> sees each one:
/// every modality with an encoder embedding contributes its input tokens (input mask false) in sample order and ascending
/// position. Modalities with no input token are not embedded at all (they would be dropped by the valid-first sort anyway).
/// Padding slots are masked with −max, so each row's context equals encoding that sample alone up to GEMM rounding.
/// </summary>
public static class EncoderPass
{
    /// <summary>Returns one context (n_i, D) per sample: <c>decoder_proj_context(encoder(x + emb)) + emb</c>.</summary>
    public static IReadOnlyList<Tensor> Encode(IGenerationNetwork network, IReadOnlyList<SampleState> samples)
    {
        using var scope = NewDisposeScope();
        var contents = new List<Tensor>(samples.Count);
        var embeddings = new List<Tensor>(samples.Count);
        foreach (var sample in samples)
        {
            var (content, embedding) = EmbedInputs(network, sample);
            contents.Add(content);
            embeddings.Add(embedding);
        }
        var result = new Tensor[samples.Count];
        var encoded = Enumerable.Range(0, samples.Count).Where(i => contents[i].shape[0] > 0).ToList();
        foreach (var i in Enumerable.Range(0, samples.Count).Except(encoded))
        {
            // No input at all (e.g. the unconditional pass of a single-condition request). The reference then cross-attends
            // over zero keys, which contributes exactly zero; one all-zero context row does the same in bias-free models
            // (context_norm(0) = 0, so its key and value are 0), and it keeps the row batchable.
            result[i] = torch.zeros(1, network.Dim, dtype: network.ComputeType, device: network.Device).MoveToOuterDisposeScope();
        }
        if (encoded.Count > 0)
        {
            long maxLength = encoded.Max(i => contents[i].shape[0]);
            var tokens = Pad(encoded.Select(i => contents[i]).ToList(), maxLength, network);
            var emb = Pad(encoded.Select(i => embeddings[i]).ToList(), maxLength, network);
            var padding = PaddingMask(encoded.Select(i => contents[i].shape[0]).ToArray(), maxLength, network.Device);
            var output = network.Encode(tokens + emb, padding);
            var context = network.ProjectContext(output, emb);
            for (int r = 0; r < encoded.Count; r++)
                result[encoded[r]] = context[r].narrow(0, 0, contents[encoded[r]].shape[0]).MoveToOuterDisposeScope();
        }
        return result;
    }

    private static (Tensor Content, Tensor Embedding) EmbedInputs(IGenerationNetwork network, SampleState sample)
    {
        var contents = new List<Tensor>();
        var embeddings = new List<Tensor>();
        foreach (var modality in sample.Modalities)
        {
            if (!network.HasEncoderInput(modality.Modality)) continue;
            var valid = ValidPositions(modality.InputMask);
            if (valid.Length == 0) continue;
            var (content, embedding) = network.EmbedEncoderInput(modality);
            var index = torch.tensor(valid, device: network.Device);
            contents.Add(content.index_select(0, index));
            embeddings.Add(embedding.index_select(0, index));
        }
        if (contents.Count == 0)
        {
            var empty = torch.zeros(0, network.Dim, dtype: network.ComputeType, device: network.Device);
            return (empty, empty);
        }
        return (torch.cat(contents, 0), torch.cat(embeddings, 0));
    }

    public static long[] ValidPositions(bool[] mask)
    {
        var positions = new List<long>(mask.Length);
        for (int i = 0; i < mask.Length; i++) if (!mask[i]) positions.Add(i);
        return positions.ToArray();
    }

    /// <summary>Stacks (n_i, D) rows into (B, max, D), zero-filled (the reference zeroes padding slots too).</summary>
    public static Tensor Pad(IReadOnlyList<Tensor> rows, long length, IGenerationNetwork network)
    {
        var padded = rows.Select(r => r.shape[0] == length
            ? r
            : torch.cat([r, torch.zeros(length - r.shape[0], r.shape[1], dtype: r.dtype, device: r.device)], 0)).ToList();
        return torch.stack(padded, 0);
    }

    /// <summary>(B, max) with true on padding slots.</summary>
    public static Tensor PaddingMask(long[] lengths, long maxLength, Device device)
    {
        var mask = new bool[lengths.Length * maxLength];
        for (int b = 0; b < lengths.Length; b++)
            for (long j = lengths[b]; j < maxLength; j++) mask[b * maxLength + j] = true;
        return torch.tensor(mask, [lengths.Length, maxLength], device: device);
    }
}
