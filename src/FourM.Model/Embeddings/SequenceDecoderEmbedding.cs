using FourM.Model.Modalities;
using FourM.Model.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Embeddings;

/// <summary>
/// Sequence targets (the reference's <c>SequenceDecoderEmbedding</c>): teacher-forced token embeddings, positions counted over
/// target tokens with ids at or beyond <c>max_length</c> mapped to 0.
/// </summary>
public sealed class SequenceDecoderEmbedding : DecoderEmbedding
{
#pragma warning disable IDE1006
    private readonly TokenEmbedding token_emb;
    private readonly Linear to_logits;
#pragma warning restore IDE1006
    private readonly long _vocab;

    public SequenceDecoderEmbedding(ModalityInfo modality, long dim, Parameter? sharedModalityEmbedding, Device device, ScalarType dtype)
        : base(nameof(SequenceDecoderEmbedding), modality, dim, SequenceEncoderEmbedding.SequenceRows(modality), null, null,
            sharedModalityEmbedding, device, dtype)
    {
        _vocab = modality.VocabSize!.Value;
        token_emb = new TokenEmbedding(_vocab, dim, device, dtype);
        to_logits = nn.Linear(dim, _vocab, hasBias: false, device, dtype);
        RegisterComponents();
    }

    public long MaxLength => Modality.MaxLength!.Value;

    public override DecoderEmbeddingOutput EmbedTarget(Tensor tensor, Tensor targetMask)
    {
        using var scope = NewDisposeScope();
        if (tensor.dim() != 2) throw new ArgumentException($"modality '{Modality.Name}': ids must be (B, L), got [{string.Join(", ", tensor.shape)}]");
        EmbeddingChecks.Mask(targetMask, tensor.shape[0], tensor.shape[1], Modality.Name, "target_mask");
        var ids = EmbeddingChecks.TokenIds(tensor, _vocab, Modality.Name, ChecksOnDevice);
        var x = token_emb.forward(ids);
        var emb = PositionsFor(targetMask).Plus(mod_emb);
        return new DecoderEmbeddingOutput(x.MoveToOuterDisposeScope(), emb.MoveToOuterDisposeScope(), ids.MoveToOuterDisposeScope());
    }

    /// <summary>Position embeddings (B,L,D) for a target mask, without the modality embedding.</summary>
    public Tensor PositionsFor(Tensor targetMask) => SequencePositions.Gather(pos_emb, targetMask, MaxLength, Modality.Name, ChecksOnDevice);

    public override Tensor EmbedTokens(Tensor ids) => token_emb.forward(EmbeddingChecks.TokenIds(ids, _vocab, Modality.Name, ChecksOnDevice));

    public override Tensor Logits(Tensor y) => to_logits.forward(y);
}
