using FourM.ImageTokenizers.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Diffusion.Unet;

/// <summary>
/// The DiVAE decoder (<c>PatchedUNetCondCat</c>): the noisy image is patchified to (C·P², H/P, W/P), the quantized
/// latent is nearest-upsampled to that grid and concatenated, a guided-diffusion UNet runs on it, and the output is
/// un-patchified. The layout (stages, widths, attention placement) is taken from the checkpoint's tensor names, so
/// every UNet of the reference family loads without a preset table.
/// </summary>
public sealed class PatchedUnet : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly nn.Module<Tensor, Tensor> _timeLinear1;
    private readonly nn.Module<Tensor, Tensor> _timeLinear2;
    private readonly UnetStage[] _inputStages;
    private readonly UnetStage _middleStage;
    private readonly UnetStage[] _outputStages;
    private readonly GroupNorm32 _outNorm;
    private readonly nn.Module<Tensor, Tensor> _outConv;

    public PatchedUnet(UnetLayout layout) : base(nameof(PatchedUnet))
    {
        Layout = layout;
        _timeLinear1 = nn.Linear(layout.ModelChannels, layout.EmbeddingChannels);
        _timeLinear2 = nn.Linear(layout.EmbeddingChannels, layout.EmbeddingChannels);
        register_module("time_embed", new IndexedChildren(("0", _timeLinear1), ("2", _timeLinear2)));
        _inputStages = layout.InputStages.Select(s => new UnetStage(s.Select(l => l.Create()).ToList())).ToArray();
        _middleStage = new UnetStage(layout.MiddleStage.Select(l => l.Create()).ToList());
        _outputStages = layout.OutputStages.Select(s => new UnetStage(s.Select(l => l.Create()).ToList())).ToArray();
        register_module("input_blocks", nn.ModuleList(_inputStages));
        register_module("middle_block", _middleStage);
        register_module("output_blocks", nn.ModuleList(_outputStages));
        _outNorm = new GroupNorm32(layout.FinalChannels);
        _outConv = nn.Conv2d(layout.FinalChannels, layout.ImageChannels * layout.PatchSize * layout.PatchSize, kernel_size: 3, padding: 1);
        register_module("out", new IndexedChildren(("0", _outNorm), ("2", _outConv)));
    }

    public UnetLayout Layout { get; }

    public static PatchedUnet FromShapes(CheckpointShapes shapes, string prefix, long imageChannels, long conditionChannels, long attentionHeads) =>
        new(UnetLayout.FromShapes(shapes, prefix, imageChannels, conditionChannels, attentionHeads));

    /// <param name="sample">Noisy images (B, C, H, W).</param>
    /// <param name="timesteps">Timesteps, shape (1) (shared) or (B).</param>
    /// <param name="condition">Quantized latents (B, D, H_q, W_q).</param>
    public override Tensor forward(Tensor sample, Tensor timesteps, Tensor condition)
    {
        using var scope = NewDisposeScope();
        var (b, c, height, width) = (sample.shape[0], sample.shape[1], sample.shape[2], sample.shape[3]);
        var p = Layout.PatchSize;
        if (height % p != 0 || width % p != 0) throw new ArgumentException($"image {height}×{width} is not divisible by the patch size {p}");
        var (gridHeight, gridWidth) = (height / p, width / p);
        var patches = sample.reshape(b, c, gridHeight, p, gridWidth, p).permute(0, 1, 3, 5, 2, 4).reshape(b, c * p * p, gridHeight, gridWidth);
        var upsampled = nn.functional.interpolate(condition.to(sample.dtype), size: [gridHeight, gridWidth], mode: InterpolationMode.Nearest);
        var h = cat([patches, upsampled], 1);

        var features = TimestepEmbedding.Sinusoidal(timesteps, Layout.ModelChannels).to(_timeLinear1.parameters().First().dtype);
        var embedding = _timeLinear2.forward(nn.functional.silu(_timeLinear1.forward(features)));

        var skips = new Stack<Tensor>();
        foreach (var stage in _inputStages)
        {
            h = stage.forward(h, embedding);
            skips.Push(h);
        }
        h = _middleStage.forward(h, embedding);
        foreach (var stage in _outputStages) h = stage.forward(cat([h, skips.Pop()], 1), embedding);
        var output = _outConv.forward(nn.functional.silu(_outNorm.forward(h)));
        return output.reshape(b, c, p, p, gridHeight, gridWidth).permute(0, 1, 4, 2, 5, 3).reshape(b, c, height, width)
            .MoveToOuterDisposeScope();
    }
}
