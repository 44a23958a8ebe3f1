using FourM.Model.Modalities;
using FourM.Model.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Embeddings;

/// <summary>Image-like token targets (the reference's <c>ImageTokenDecoderEmbedding</c>); decoder inputs are the mask token.</summary>
public sealed class ImageTokenDecoderEmbedding : DecoderEmbedding
{
#pragma warning disable IDE1006
    private readonly TokenEmbedding token_emb;
    private readonly Linear to_logits;
#pragma warning restore IDE1006
    private readonly long _tokens;
    private readonly long _vocab;

    public ImageTokenDecoderEmbedding(ModalityInfo modality, int defaultImageSize, int defaultPatchSize, long dim,
        Parameter? sharedModalityEmbedding, Device device, ScalarType dtype)
        : this(modality, modality.Grid(defaultImageSize, defaultPatchSize), dim, sharedModalityEmbedding, device, dtype)
    {
    }

    private ImageTokenDecoderEmbedding(ModalityInfo modality, (int Height, int Width) grid, long dim, Parameter? shared, Device device, ScalarType dtype)
        : base(nameof(ImageTokenDecoderEmbedding), modality, dim, grid.Height * grid.Width, grid.Height, grid.Width, shared, device, dtype)
    {
        _tokens = (long)grid.Height * grid.Width;
        _vocab = modality.VocabSize!.Value;
        token_emb = new TokenEmbedding(_vocab, dim, device, dtype);
        to_logits = nn.Linear(dim, _vocab, hasBias: false, device, dtype);
        RegisterComponents();
    }

    public override DecoderEmbeddingOutput EmbedTarget(Tensor tensor, Tensor targetMask)
    {
        using var scope = NewDisposeScope();
        var batch = tensor.shape[0];
        var ids = tensor.reshape(batch, -1);
        if (ids.shape[1] != _tokens)
            throw new ArgumentException($"modality '{Modality.Name}': {ids.shape[1]} tokens per sample, expected {_tokens}");
        ids = EmbeddingChecks.TokenIds(ids, _vocab, Modality.Name, ChecksOnDevice);
        return new DecoderEmbeddingOutput(null, GridEmbedding(batch).MoveToOuterDisposeScope(), ids.MoveToOuterDisposeScope());
    }

    public override Tensor EmbedTokens(Tensor ids) => token_emb.forward(EmbeddingChecks.TokenIds(ids, _vocab, Modality.Name, ChecksOnDevice));

    public override Tensor Logits(Tensor y) => to_logits.forward(y);
}
