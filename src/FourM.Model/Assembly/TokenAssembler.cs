using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Assembly;

/// <summary>
/// The reference's <c>forward_mask_encoder</c> / <c>forward_mask_decoder</c>: concatenate the modalities, stably move valid tokens
/// first, keep the first N, zero what is padding.
/// </summary>
public static class TokenAssembler
{
    /// <param name="keep">Tokens to keep (<c>num_encoder_tokens</c>); null keeps the largest number of valid tokens in the batch.</param>
    /// <param name="registerTokens">(1,R,D) tokens to prepend (none in released models).</param>
    public static EncoderTokens AssembleEncoder(IReadOnlyList<EncoderPart> parts, long? keep, Tensor? registerTokens = null)
    {
        if (parts.Count == 0) throw new ArgumentException("the encoder needs at least one input modality");
        using var scope = NewDisposeScope();
        var tokens = cat(parts.Select(p => p.X).ToArray(), 1);
        var emb = cat(parts.Select(p => p.Emb).ToArray(), 1);
        var mask = cat(parts.Select(p => p.InputMask).ToArray(), 1);
        var modMask = cat(parts.Select(p => ScalarOperands.FullLike(p.InputMask, p.ModalityId, ScalarType.Int16)).ToArray(), 1);

        var kept = KeepValidFirst(mask, keep);
        tokens = GatherRows(tokens, kept);
        emb = GatherRows(emb, kept);
        mask = mask.gather(1, kept);
        modMask = modMask.gather(1, kept);

        if (registerTokens is not null && registerTokens.shape[1] > 0)
        {
            var batch = tokens.shape[0];
            var count = registerTokens.shape[1];
            var registers = registerTokens.expand(batch, -1, -1);
            tokens = cat([registers, tokens], 1);
            emb = cat([zeros_like(registers), emb], 1);
            mask = cat([zeros(new long[] { batch, count }, ScalarType.Bool, mask.device), mask], 1);
            modMask = cat([ScalarOperands.Full([batch, count], -1, ScalarType.Int16, mask.device), modMask], 1);
        }

        var padding = mask.unsqueeze(-1);
        var result = new EncoderTokens(tokens.FillWhere(padding, 0L), emb.FillWhere(padding, 0L), mask.unsqueeze(1), modMask.FillWhere(mask, -1L));
        return MoveOut(result);
    }

    /// <summary>
    /// Sequence parts are shifted for teacher forcing (inputs <c>[:-1]</c>, targets <c>[1:]</c>, mask <c>m[1:] | m[:-1]</c>);
    /// image parts keep their layout. Parts are concatenated in the given order.
    /// </summary>
    public static DecoderTokens AssembleDecoder(IReadOnlyList<DecoderPart> parts, long? keep, bool causal, bool separateModalities)
    {
        if (parts.Count == 0) throw new ArgumentException("the decoder needs at least one target modality");
        using var scope = NewDisposeScope();
        var xs = new List<Tensor>();
        var embs = new List<Tensor>();
        var masks = new List<Tensor>();
        var ids = new List<Tensor>();
        var compressed = new List<Tensor>();
        var modalities = new List<Tensor>();
        foreach (var part in parts)
        {
            var n = part.TargetMask.shape[1];
            if (part.IsSequence)
            {
                var head = TensorIndex.Slice(null, -1);
                var tail = TensorIndex.Slice(1, null);
                xs.Add(part.X[TensorIndex.Colon, head]);
                ids.Add(part.Ids[TensorIndex.Colon, tail]);
                embs.Add(part.Emb[TensorIndex.Colon, head]);
                masks.Add(part.TargetMask[TensorIndex.Colon, tail].logical_or(part.TargetMask[TensorIndex.Colon, head]));
                compressed.Add(part.CompressedAttentionMask[TensorIndex.Colon, head].to_type(ScalarType.Int64));
                modalities.Add(ScalarOperands.Full([part.TargetMask.shape[0], n - 1], part.ModalityId, ScalarType.Int16, part.TargetMask.device));
            }
            else
            {
                xs.Add(part.X);
                ids.Add(part.Ids);
                embs.Add(part.Emb);
                masks.Add(part.TargetMask);
                compressed.Add(part.CompressedAttentionMask.to_type(ScalarType.Int64));
                modalities.Add(ScalarOperands.FullLike(part.TargetMask, part.ModalityId, ScalarType.Int16));
            }
        }
        var tokens = cat(xs.ToArray(), 1);
        var emb = cat(embs.ToArray(), 1);
        var mask = cat(masks.ToArray(), 1);
        var targetIds = cat(ids.Select(i => i.to_type(ScalarType.Int64)).ToArray(), 1);
        var attention = cat(compressed.ToArray(), 1);
        var modMask = cat(modalities.ToArray(), 1);

        var kept = KeepValidFirst(mask, keep);
        tokens = GatherRows(tokens, kept);
        emb = GatherRows(emb, kept);
        mask = mask.gather(1, kept);
        targetIds = targetIds.gather(1, kept);
        attention = attention.gather(1, kept);
        modMask = modMask.gather(1, kept);

        var padding = mask.unsqueeze(-1);
        // The full mask is built from modality ids before padding is relabelled -1, as in the reference.
        var fullMask = DecoderAttentionMask.Expand(attention, modMask, causal, separateModalities);
        var result = new DecoderTokens(tokens.FillWhere(padding, 0L), emb.FillWhere(padding, 0L), mask.unsqueeze(1),
            targetIds.FillWhere(mask, 0L), fullMask, modMask.FillWhere(mask, -1L));
        return MoveOut(result);
    }

    /// <summary>Indices (B,keep) that put valid (False) slots first, each group in original order.</summary>
    private static Tensor KeepValidFirst(Tensor mask, long? keep)
    {
        var order = mask.to_type(ScalarType.Int32).sort(1, descending: false, stable: true).Indices;
        var total = mask.shape[1];
        var count = keep ?? (total == 0 ? 0 : mask.logical_not().sum(1).max().item<long>());
        if (count < 0 || count > total)
            throw new ArgumentOutOfRangeException(nameof(keep), $"cannot keep {count} of {total} tokens");
        return order[TensorIndex.Colon, TensorIndex.Slice(0, count)];
    }

    private static Tensor GatherRows(Tensor values, Tensor indices) =>
        values.gather(1, indices.unsqueeze(-1).expand(-1, -1, values.shape[2]));

    private static EncoderTokens MoveOut(EncoderTokens t) => new(t.Tokens.MoveToOuterDisposeScope(), t.Emb.MoveToOuterDisposeScope(),
        t.Mask.MoveToOuterDisposeScope(), t.ModMask.MoveToOuterDisposeScope());

    private static DecoderTokens MoveOut(DecoderTokens t) => new(t.Tokens.MoveToOuterDisposeScope(), t.Emb.MoveToOuterDisposeScope(),
        t.Mask.MoveToOuterDisposeScope(), t.TargetIds.MoveToOuterDisposeScope(), t.AttentionMask.MoveToOuterDisposeScope(),
        t.ModMask.MoveToOuterDisposeScope());
}
