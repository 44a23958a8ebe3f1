using FourM.Model.Modalities;
using FourM.Model.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Embeddings;

/// <summary>Token sequence → embeddings with positions counted over the valid inputs (the reference's <c>SequenceEncoderEmbedding</c>).</summary>
public sealed class SequenceEncoderEmbedding : EncoderEmbedding
{
#pragma warning disable IDE1006
    private readonly TokenEmbedding token_emb;
#pragma warning restore IDE1006
    private readonly long _vocab;

    public SequenceEncoderEmbedding(ModalityInfo modality, long dim, Device device, ScalarType dtype)
        : base(nameof(SequenceEncoderEmbedding), modality, dim, SequenceRows(modality), null, null, device, dtype)
    {
        _vocab = modality.VocabSize!.Value;
        token_emb = new TokenEmbedding(_vocab, dim, device, dtype);
        RegisterComponents();
    }

    /// <summary>The reference builds 512 sin-cos rows (its max_length slice hits the batch dimension); learned tables have max_length rows.</summary>
    internal static long SequenceRows(ModalityInfo modality) =>
        modality.SinCosPositions ? modality.MaxSinCosPositions : modality.MaxLength!.Value;

    public override long TokenCount(Tensor tensor) => tensor.shape[1];

    public override EncoderEmbeddingOutput Embed(Tensor tensor, Tensor inputMask)
    {
        using var scope = NewDisposeScope();
        if (tensor.dim() != 2) throw new ArgumentException($"modality '{Modality.Name}': ids must be (B, L), got [{string.Join(", ", tensor.shape)}]");
        EmbeddingChecks.Mask(inputMask, tensor.shape[0], tensor.shape[1], Modality.Name, "input_mask");
        var x = token_emb.forward(EmbeddingChecks.TokenIds(tensor, _vocab, Modality.Name, ChecksOnDevice));
        var emb = SequencePositions.Gather(pos_emb, inputMask, maxLength: null, Modality.Name, ChecksOnDevice).Plus(mod_emb);
        return new EncoderEmbeddingOutput(x.MoveToOuterDisposeScope(), emb.MoveToOuterDisposeScope());
    }
}
