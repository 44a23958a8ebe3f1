using FourM.ImageTokenizers.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Vit;

/// <summary>
/// ViT encoder of the reference (<c>ViTEncoder</c>): conv patch projection (or 1×1 conv on feature maps), stored position
/// table, pre-norm blocks without a final norm, and the optional residual post-MLP <c>x + MLP_tanh(LN(x))</c>.
/// Output: (B, D, N_H, N_W).
/// </summary>
public sealed class VitEncoder : nn.Module<Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly nn.Module<Tensor, Tensor> _projection;
    // Named so that Module.to() (which swaps parameters by component name) updates this field.
    [ComponentName(Name = "pos_emb")]
    private Parameter _positionTable;
    private readonly nn.Module<Tensor, Tensor>[] _blocks;
    private readonly nn.Module<Tensor, Tensor>? _postMlpNorm;
    private readonly VitMlp? _postMlp;

    public VitEncoder(long inChannels, long width, int depth, long heads, long mlpHidden, int patchSize, long gridHeight,
        long gridWidth, bool postMlp) : base(nameof(VitEncoder))
    {
        Width = width;
        PatchSize = patchSize;
        _projection = nn.Conv2d(inChannels, width, kernel_size: patchSize, stride: patchSize);
        _positionTable = new Parameter(zeros(1, width, gridHeight, gridWidth), requires_grad: false);
        register_parameter("pos_emb", _positionTable);
        register_module("proj", _projection);
        _blocks = Enumerable.Range(0, depth).Select(_ => (nn.Module<Tensor, Tensor>)new VitBlock(width, heads, mlpHidden)).ToArray();
        register_module("blocks", nn.ModuleList(_blocks));
        if (postMlp)
        {
            _postMlpNorm = nn.LayerNorm(width, VitBlock.LayerNormEps);
            _postMlp = new VitMlp(width, mlpHidden, tanh: true);
            register_module("norm_mlp", _postMlpNorm);
            register_module("post_mlp", _postMlp);
        }
    }

    public long Width { get; }

    /// <summary>Pixels per token side (1 for feature-map encoders).</summary>
    public int PatchSize { get; }

    /// <summary>Builds the encoder whose tensors are stored under <paramref name="prefix"/>.</summary>
    public static VitEncoder FromShapes(CheckpointShapes shapes, string prefix, long heads, bool postMlp)
    {
        var projection = shapes.Shape($"{prefix}.proj.weight");
        var table = shapes.Shape($"{prefix}.pos_emb");
        return new VitEncoder(
            inChannels: projection[1], width: projection[0], depth: shapes.CountIndexed($"{prefix}.blocks"), heads: heads,
            mlpHidden: shapes.Dim($"{prefix}.blocks.0.mlp.fc1.weight", 0), patchSize: (int)projection[2],
            gridHeight: table[2], gridWidth: table[3], postMlp: postMlp && shapes.Has($"{prefix}.post_mlp.fc1.weight"));
    }

    public override Tensor forward(Tensor image)
    {
        using var scope = NewDisposeScope();
        if (image.shape[2] % PatchSize != 0 || image.shape[3] % PatchSize != 0)
            throw new ArgumentException($"image {image.shape[2]}×{image.shape[3]} is not divisible by the patch size {PatchSize}");
        var patches = _projection.forward(image);
        var (gridHeight, gridWidth) = (patches.shape[2], patches.shape[3]);
        var x = patches.flatten(2).transpose(1, 2).Plus(PositionTable.ForGrid(_positionTable, gridHeight, gridWidth).to(patches.dtype));
        foreach (var block in _blocks) x = block.forward(x);
        if (_postMlp is not null && _postMlpNorm is not null)
        {
            // The reference disables autocast here; this port runs a tokenizer in one dtype, so no cast is needed.
            x = x.Plus(_postMlp.forward(_postMlpNorm.forward(x)));
        }
        return x.transpose(1, 2).reshape(x.shape[0], x.shape[2], gridHeight, gridWidth).MoveToOuterDisposeScope();
    }
}
