using FourM.Model.Assembly;
using FourM.Model.Modalities;
using static TorchSharp.torch;

namespace FourM.Model;

/// <summary>
/// The reference's <c>FourM.forward</c> with both loss types: embed every modality, assemble encoder and decoder sequences,
/// encode, project the context, decode, then per-modality logits and cross-entropy.
/// </summary>
public static class TrainingForward
{
    /// <param name="batch">The sample dict in its insertion order (the encoder concatenates in this order).</param>
    /// <param name="decoderOrder">Decoder modality order (the reference shuffles it); default: batch order. Logits and losses do not depend on it.</param>
    public static TrainingForwardResult Run(FourMModel model, IReadOnlyList<(string Modality, ModalityInput Input)> batch,
        long numEncoderTokens, long numDecoderTokens, IReadOnlyList<string>? decoderOrder = null)
    {
        using var scope = NewDisposeScope();
        var byName = batch.ToDictionary(b => b.Modality, b => b.Input, StringComparer.Ordinal);

        var encoderParts = new List<EncoderPart>();
        foreach (var (name, input) in batch)
        {
            if (!model.EncoderModalities.Contains(name)) continue;
            var embedded = model.EmbedEncoderInput(name, input.Tensor, input.InputMask);
            encoderParts.Add(new EncoderPart(name, model.ModalityId(name), embedded.X, embedded.Emb, input.InputMask));
        }

        var targets = (decoderOrder ?? batch.Select(b => b.Modality).ToList()).Where(model.DecoderModalities.Contains).ToList();
        var decoderParts = new List<DecoderPart>();
        foreach (var name in targets)
        {
            if (!byName.TryGetValue(name, out var input))
                throw new ArgumentException($"decoder order names '{name}', which the batch does not contain");
            var embedded = model.EmbedDecoderTarget(name, input.Tensor, input.TargetMask);
            var isSequence = model.Modalities.Get(name).Type != ModalityType.Image;
            var x = isSequence ? embedded.X! : model.MaskToken.expand(embedded.Emb.shape[0], embedded.Emb.shape[1], -1);
            decoderParts.Add(new DecoderPart(name, model.ModalityId(name), isSequence, x, embedded.Emb, embedded.Ids, input.TargetMask,
                input.DecoderAttentionMask));
        }

        var encoderTokens = model.AssembleEncoder(encoderParts, numEncoderTokens);
        var decoderTokens = model.AssembleDecoder(decoderParts, numDecoderTokens);

        var encoderOutput = model.Encode(encoderTokens.Tokens.add(encoderTokens.Emb), encoderTokens.Mask);
        var context = model.ProjectContext(encoderOutput, encoderTokens.Emb);
        var decoderOutput = model.Decode(decoderTokens.Tokens.add(decoderTokens.Emb), context, decoderTokens.AttentionMask, encoderTokens.Mask);

        var logits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var targetIds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var losses = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var elementCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        // Losses and logits follow the batch order of the decoder modalities, as the reference's dict does.
        foreach (var name in batch.Select(b => b.Modality).Where(model.DecoderModalities.Contains))
        {
            var rows = decoderTokens.ModMask.eq(model.ModalityId(name));
            var selected = decoderOutput.masked_select(rows.unsqueeze(-1)).reshape(-1, decoderOutput.shape[2]);
            var modalityLogits = model.Logits(name, selected);
            var ids = decoderTokens.TargetIds.masked_select(rows);
            logits[name] = modalityLogits.MoveToOuterDisposeScope();
            targetIds[name] = ids.MoveToOuterDisposeScope();
            elementCounts[name] = modalityLogits.numel();
            losses[name] = (modalityLogits.numel() == 0
                ? zeros(1, decoderOutput.dtype, decoderOutput.device)
                : nn.functional.cross_entropy(modalityLogits, ids).reshape(1)).MoveToOuterDisposeScope();
        }
        if (losses.Count == 0) throw new ArgumentException("the batch holds no decoder target modality of this model");

        var loss = losses.Values.Aggregate((a, b) => a.add(b)).div(losses.Count).MoveToOuterDisposeScope();
        var totalElements = elementCounts.Values.Sum();
        var tokenLoss = losses.Select(kv => kv.Value.mul(elementCounts[kv.Key])).Aggregate((a, b) => a.add(b))
            .div(totalElements).MoveToOuterDisposeScope();

        return new TrainingForwardResult
        {
            Encoder = MoveOut(encoderTokens),
            EncoderOutput = encoderOutput.MoveToOuterDisposeScope(),
            Context = context.MoveToOuterDisposeScope(),
            Decoder = MoveOut(decoderTokens),
            DecoderOutput = decoderOutput.MoveToOuterDisposeScope(),
            Logits = logits,
            TargetIds = targetIds,
            ModalityLoss = losses,
            Loss = loss,
            TokenLoss = tokenLoss,
        };
    }

    private static EncoderTokens MoveOut(EncoderTokens t) => new(t.Tokens.MoveToOuterDisposeScope(), t.Emb.MoveToOuterDisposeScope(),
        t.Mask.MoveToOuterDisposeScope(), t.ModMask.MoveToOuterDisposeScope());

    private static DecoderTokens MoveOut(DecoderTokens t) => new(t.Tokens.MoveToOuterDisposeScope(), t.Emb.MoveToOuterDisposeScope(),
        t.Mask.MoveToOuterDisposeScope(), t.TargetIds.MoveToOuterDisposeScope(), t.AttentionMask.MoveToOuterDisposeScope(),
        t.ModMask.MoveToOuterDisposeScope());
}
