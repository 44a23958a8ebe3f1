using FourM.Model.Modalities;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Embeddings;

/// <summary>
/// Pixels → patch tokens (the reference's <c>ImageEncoderEmbedding</c>): each patch is flattened as (ph, pw, c), channel
/// innermost, and projected by a bias-free Linear.
/// </summary>
public sealed class ImageEncoderEmbedding : EncoderEmbedding
{
#pragma warning disable IDE1006
    private readonly Linear proj;
#pragma warning restore IDE1006
    private readonly int _patch;
    private readonly int _channels;
    private readonly (int Height, int Width) _grid;

    public ImageEncoderEmbedding(ModalityInfo modality, int defaultImageSize, int defaultPatchSize, long dim, Device device, ScalarType dtype)
        : this(modality, modality.Grid(defaultImageSize, defaultPatchSize), modality.PatchSize ?? defaultPatchSize, dim, device, dtype)
    {
    }

    private ImageEncoderEmbedding(ModalityInfo modality, (int Height, int Width) grid, int patch, long dim, Device device, ScalarType dtype)
        : base(nameof(ImageEncoderEmbedding), modality, dim, grid.Height * grid.Width, grid.Height, grid.Width, device, dtype)
    {
        _grid = grid;
        _patch = patch;
        _channels = modality.NumChannels ?? 3;
        proj = nn.Linear(_channels * patch * patch, dim, hasBias: false, device, dtype);
        RegisterComponents();
    }

    public override long TokenCount(Tensor tensor) => (long)_grid.Height * _grid.Width;

    public override EncoderEmbeddingOutput Embed(Tensor tensor, Tensor inputMask)
    {
        using var scope = NewDisposeScope();
        var expected = new long[] { tensor.shape.Length > 0 ? tensor.shape[0] : 0, _channels, _grid.Height * _patch, _grid.Width * _patch };
        if (tensor.dim() != 4 || !tensor.shape.SequenceEqual(expected))
            throw new ArgumentException($"modality '{Modality.Name}': pixels have shape [{string.Join(", ", tensor.shape)}], expected [B, {_channels}, {expected[2]}, {expected[3]}]");
        if (!tensor.is_floating_point())
            throw new ArgumentException($"modality '{Modality.Name}': pixels must be floating point, got {tensor.dtype}");
        var batch = tensor.shape[0];
        var patches = tensor.to_type(proj.weight!.dtype)
            .reshape(batch, _channels, _grid.Height, _patch, _grid.Width, _patch)
            .permute(0, 2, 4, 3, 5, 1)
            .reshape(batch, (long)_grid.Height * _grid.Width, (long)_patch * _patch * _channels);
        var x = proj.forward(patches);
        return new EncoderEmbeddingOutput(x.MoveToOuterDisposeScope(), GridEmbedding(batch).MoveToOuterDisposeScope());
    }
}
