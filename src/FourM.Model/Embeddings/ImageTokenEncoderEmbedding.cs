using FourM.Model.Modalities;
using FourM.Model.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Embeddings;

/// <summary>Image-like token grid → embeddings (the reference's <c>ImageTokenEncoderEmbedding</c>).</summary>
public sealed class ImageTokenEncoderEmbedding : EncoderEmbedding
{
#pragma warning disable IDE1006
    private readonly TokenEmbedding token_emb;
#pragma warning restore IDE1006
    private readonly long _tokens;
    private readonly long _vocab;

    public ImageTokenEncoderEmbedding(ModalityInfo modality, int defaultImageSize, int defaultPatchSize, long dim, Device device, ScalarType dtype)
        : this(modality, modality.Grid(defaultImageSize, defaultPatchSize), dim, device, dtype)
    {
    }

    private ImageTokenEncoderEmbedding(ModalityInfo modality, (int Height, int Width) grid, long dim, Device device, ScalarType dtype)
        : base(nameof(ImageTokenEncoderEmbedding), modality, dim, grid.Height * grid.Width, grid.Height, grid.Width, device, dtype)
    {
        _tokens = (long)grid.Height * grid.Width;
        _vocab = modality.VocabSize!.Value;
        token_emb = new TokenEmbedding(_vocab, dim, device, dtype);
        RegisterComponents();
    }

    public override long TokenCount(Tensor tensor) => _tokens;

    public override EncoderEmbeddingOutput Embed(Tensor tensor, Tensor inputMask)
    {
        using var scope = NewDisposeScope();
        var batch = tensor.shape[0];
        var ids = tensor.reshape(batch, -1);
        if (ids.shape[1] != _tokens)
            throw new ArgumentException($"modality '{Modality.Name}': {ids.shape[1]} tokens per sample, expected {_tokens}");
        var x = token_emb.forward(EmbeddingChecks.TokenIds(ids, _vocab, Modality.Name, ChecksOnDevice));
        return new EncoderEmbeddingOutput(x.MoveToOuterDisposeScope(), GridEmbedding(batch).MoveToOuterDisposeScope());
    }
}
