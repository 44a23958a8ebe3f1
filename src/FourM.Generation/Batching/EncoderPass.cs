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
        var (content, embedding, lengths) = EmbedInputs(network, samples);
        var result = new Tensor[samples.Count];
        var encoded = Enumerable.Range(0, samples.Count).Where(i => lengths[i] > 0).ToList();
        foreach (var i in Enumerable.Range(0, samples.Count).Except(encoded))
        {
            // No input at all (e.g. the unconditional pass of a single-condition request). The reference then cross-attends
            // over zero keys, which contributes exactly zero; one all-zero context row does the same in bias-free models
            // (context_norm(0) = 0, so its key and value are 0), and it keeps the row batchable.
            result[i] = torch.zeros(1, network.Dim, dtype: network.ComputeType, device: network.Device).MoveToOuterDisposeScope();
        }
        if (encoded.Count > 0)
        {
            var index = torch.tensor(encoded.Select(i => (long)i).ToArray(), device: network.Device);
            var tokens = content.index_select(0, index);
            var emb = embedding.index_select(0, index);
            long maxLength = tokens.shape[1];
            var padding = PaddingMask(encoded.Select(i => lengths[i]).ToArray(), maxLength, network.Device);
            var output = network.Encode(tokens + emb, padding);
            var context = network.ProjectContext(output, emb);
            for (int r = 0; r < encoded.Count; r++)
                result[encoded[r]] = context[r].narrow(0, 0, lengths[encoded[r]]).MoveToOuterDisposeScope();
        }
        return result;
    }

    /// <summary>
    /// Embeds every (sample, modality) with input tokens, one network call per modality and length, then gathers each sample's
    /// input tokens (modality order, ascending position) into a zero-padded (B, max, D) batch with a single index.
    /// </summary>
    private static (Tensor Content, Tensor Embedding, long[] Lengths) EmbedInputs(IGenerationNetwork network, IReadOnlyList<SampleState> samples)
    {
        var groups = new Dictionary<(string Modality, int Length, bool Pixels), List<(int Sample, ModalityState State)>>();
        var rowsPerSample = new List<(ModalityState State, long[] Valid)>[samples.Count];
        for (int i = 0; i < samples.Count; i++)
        {
            rowsPerSample[i] = new();
            foreach (var modality in samples[i].Modalities)
            {
                if (!network.HasEncoderInput(modality.Modality)) continue;
                var valid = ValidPositions(modality.InputMask);
                if (valid.Length == 0) continue;
                var key = (modality.Modality, modality.InputMask.Length, modality.Pixels is not null);
                if (!groups.TryGetValue(key, out var members)) groups[key] = members = new();
                members.Add((i, modality));
                rowsPerSample[i].Add((modality, valid));
            }
        }
        // Flat table of every embedded position; row 0 is the zero padding row.
        var contentParts = new List<Tensor> { torch.zeros(1, network.Dim, dtype: network.ComputeType, device: network.Device) };
        var embeddingParts = new List<Tensor> { contentParts[0] };
        var offsets = new Dictionary<ModalityState, long>(ReferenceEqualityComparer.Instance);
        long next = 1;
        foreach (var ((_, length, _), members) in groups)
        {
            var (content, embedding) = network.EmbedEncoderInputs(members.Select(m => m.State).ToList());
            contentParts.Add(content.reshape(-1, network.Dim));
            embeddingParts.Add(embedding.reshape(-1, network.Dim));
            foreach (var (_, state) in members) { offsets[state] = next; next += length; }
        }
        var lengths = rowsPerSample.Select(rows => (long)rows.Sum(r => r.Valid.Length)).ToArray();
        long maxLength = Math.Max(1, lengths.Max());
        var index = new long[samples.Count * maxLength];
        for (int i = 0; i < samples.Count; i++)
        {
            long column = 0;
            foreach (var (state, valid) in rowsPerSample[i])
                foreach (var position in valid) index[i * maxLength + column++] = offsets[state] + position;
        }
        var gather = torch.tensor(index, device: network.Device);
        var shape = new long[] { samples.Count, maxLength, network.Dim };
        var table = torch.cat(contentParts, 0);
        var embeddings = torch.cat(embeddingParts, 0);
        return (table.index_select(0, gather).reshape(shape), embeddings.index_select(0, gather).reshape(shape), lengths);
    }

    public static long[] ValidPositions(bool[] mask)
    {
        var positions = new List<long>(mask.Length);
        for (int i = 0; i < mask.Length; i++) if (!mask[i]) positions.Add(i);
        return positions.ToArray();
    }

    /// <summary>Stacks (n_i, D) rows into (B, max, D), zero-filled (the reference zeroes padding slots too), with one gather.</summary>
    public static Tensor Pad(IReadOnlyList<Tensor> rows, long length, IGenerationNetwork network)
    {
        using var scope = NewDisposeScope();
        long width = rows[0].shape[1];
        var table = torch.cat([torch.zeros(1, width, dtype: rows[0].dtype, device: rows[0].device), .. rows], 0);
        var index = new long[rows.Count * length];
        long offset = 1;
        for (int b = 0; b < rows.Count; b++)
        {
            long n = rows[b].shape[0];
            for (long j = 0; j < n; j++) index[b * length + j] = offset + j;
            offset += n;
        }
        var gather = torch.tensor(index, device: rows[0].device);
        return table.index_select(0, gather).reshape(rows.Count, length, width).MoveToOuterDisposeScope();
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
