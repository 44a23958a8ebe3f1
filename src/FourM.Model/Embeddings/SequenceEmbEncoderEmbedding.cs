using FourM.Model.Modalities;
using TorchSharp.Modules;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Embeddings;

/// <summary>Precomputed embeddings (T5-XXL) → model width (the reference's <c>SequenceEmbEncoderEmbedding</c>, no bottleneck).</summary>
public sealed class SequenceEmbEncoderEmbedding : EncoderEmbedding
{
#pragma warning disable IDE1006
    private readonly Linear emb_proj;
#pragma warning restore IDE1006
    private readonly long _inputDim;

    public SequenceEmbEncoderEmbedding(ModalityInfo modality, long dim, Device device, ScalarType dtype)
        : base(nameof(SequenceEmbEncoderEmbedding), modality, dim, SequenceEncoderEmbedding.SequenceRows(modality), null, null, device, dtype)
    {
        _inputDim = modality.OriginalEmbeddingDim!.Value;
        emb_proj = nn.Linear(_inputDim, dim, hasBias: true, device, dtype);
        RegisterComponents();
    }

    public override long TokenCount(Tensor tensor) => tensor.shape[1];

    public override EncoderEmbeddingOutput Embed(Tensor tensor, Tensor inputMask)
    {
        using var scope = NewDisposeScope();
        if (tensor.dim() != 3 || tensor.shape[2] != _inputDim)
            throw new ArgumentException($"modality '{Modality.Name}': embeddings have shape [{string.Join(", ", tensor.shape)}], expected [B, L, {_inputDim}]");
        EmbeddingChecks.Mask(inputMask, tensor.shape[0], tensor.shape[1], Modality.Name, "input_mask");
        var x = emb_proj.forward(tensor.to_type(emb_proj.weight!.dtype));
        var emb = SequencePositions.Gather(pos_emb, inputMask, maxLength: null, Modality.Name, ChecksOnDevice).Plus(mod_emb);
        return new EncoderEmbeddingOutput(x.MoveToOuterDisposeScope(), emb.MoveToOuterDisposeScope());
    }
}
