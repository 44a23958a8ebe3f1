using FourM.Generation.Network;
using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Generation.Batching;

/// <summary>
/// Encodes samples as rows of one padded batch, the way the reference's <c>forward_mask_encoder_generation</c> sees each one:
/// every modality with an encoder embedding contributes its input tokens (input mask false) in sample order and ascending
/// position. Modalities with no input token are not embedded at all (they would be dropped by the valid-first sort anyway).
/// Padding slots are masked with −max, so each row's context equals encoding that sample alone up to GEMM rounding.
/// </summary>
public static class EncoderPass
{
    /// <summary>
    /// Returns one context (n_i, D) per sample, <c>decoder_proj_context(encoder(x + emb)) + emb</c>, as rows of the pass's
    /// output block (in the caller's dispose scope until stored).
    /// </summary>
    /// <param name="groupCost">Packed encoders: the fixed cost of one more attention group, in padded tokens (null: the device's default).</param>
    public static IReadOnlyList<ContextSlice> Encode(IGenerationNetwork network, IReadOnlyList<SampleState> samples, double? groupCost = null)
    {
        using var scope = NewDisposeScope();
        var result = new ContextSlice[samples.Count];
        var batch = EncoderInputBatch.Build(network, samples, network.PacksEncoderTokens, groupCost);
        if (batch?.Packing is { } packing)
        {
            // Packed rows lie back to back: each sample's context is a run of the block, no padding to cut off.
            var context = network.ProjectContext(network.EncodePacked(batch.Content.Plus(batch.Embedding), packing), batch.Embedding);
            var block = new ContextBlock(context.MoveToOuterDisposeScope(), null, batch.Rows.Length);
            long offset = 0;
            foreach (var row in batch.Rows)
            {
                result[row] = new ContextSlice(block, offset, batch.Lengths[row]);
                offset += batch.Lengths[row];
            }
            packing.Dispose();
        }
        else if (batch is not null)
        {
            var output = network.EncodePadded(batch.Content.Plus(batch.Embedding), batch.Rows.Select(s => batch.Lengths[s]).ToArray());
            var context = network.ProjectContext(output, batch.Embedding).reshape(-1, network.Dim);
            var block = new ContextBlock(context.MoveToOuterDisposeScope(), batch.MaxLength, batch.Rows.Length);
            for (int r = 0; r < batch.Rows.Length; r++)
                result[batch.Rows[r]] = new ContextSlice(block, r * batch.MaxLength, batch.Lengths[batch.Rows[r]]);
        }
        for (int i = 0; i < samples.Count; i++)
        {
            // No input at all (e.g. the unconditional pass of a single-condition request). The reference then cross-attends
            // over zero keys, which contributes exactly zero; one all-zero context row does the same in bias-free models
            // (context_norm(0) = 0, so its key and value are 0), and it keeps the row batchable.
            result[i] ??= ContextBlock.Single(torch.zeros(1, network.Dim, dtype: network.ComputeType, device: network.Device).MoveToOuterDisposeScope());
        }
        return result;
    }

    public static long[] ValidPositions(bool[] mask)
    {
        var positions = new List<long>(mask.Length);
        for (int i = 0; i < mask.Length; i++) if (!mask[i]) positions.Add(i);
        return positions.ToArray();
    }

    /// <summary>
    /// Stacks (n_i, D) rows into (B, max, D), zero-filled (the reference zeroes padding slots too), with one gather over all
    /// rows and a zero row rather than one concatenation per row.
    /// </summary>
    public static Tensor Pad(IReadOnlyList<Tensor> rows, long length, IGenerationNetwork network)
    {
        if (rows.All(r => r.shape[0] == length)) return torch.stack(rows.ToArray(), 0);
        using var scope = NewDisposeScope();
        long width = rows[0].shape[1];
        long total = rows.Sum(r => r.shape[0]);
        var index = new long[rows.Count * length];
        Array.Fill(index, total);
        long start = 0;
        for (int b = 0; b < rows.Count; b++)
        {
            for (long k = 0; k < rows[b].shape[0]; k++) index[b * length + k] = start + k;
            start += rows[b].shape[0];
        }
        var zero = torch.zeros(1, width, dtype: rows[0].dtype, device: rows[0].device);
        var source = torch.cat([.. rows, zero], 0);
        return source.index_select(0, DeviceArrays.Copy(index, rows[0].device)).reshape(rows.Count, length, width).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// (B, max) with true on padding slots, or null when no row is padded: masking nothing is the identity, and skipping the
    /// mask spares every attention layer a masked fill (and lets fused attention use its unmasked kernels).
    /// </summary>
    public static Tensor? PaddingMask(long[] lengths, long maxLength, Device device)
    {
        if (lengths.All(l => l == maxLength)) return null;
        return DeviceArrays.Copy(PaddingFlags(lengths, lengths.Length, maxLength), [lengths.Length, maxLength], device);
    }

    /// <summary>
    /// (rows × slots) row-major, true on padding: past each row's length, and every slot of the rows past
    /// <paramref name="lengths"/> (padded rows of a graph's bucket).
    /// </summary>
    public static bool[] PaddingFlags(long[] lengths, long rows, long slots)
    {
        var flags = new bool[rows * slots];
        Array.Fill(flags, true);
        for (int r = 0; r < lengths.Length; r++) Array.Fill(flags, false, (int)(r * slots), (int)lengths[r]);
        return flags;
    }
}
