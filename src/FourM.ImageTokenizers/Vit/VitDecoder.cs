using FourM.ImageTokenizers.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Vit;

/// <summary>
/// ViT decoder of the reference (<c>ViTDecoder</c>): stored position table, pre-norm blocks, the residual post-MLP right
/// before <c>out_proj</c>, un-patchify as <c>(c ph pw)</c>, optional two ConvNeXt blocks. Input (B, D, N_H, N_W).
/// </summary>
public sealed class VitDecoder : nn.Module<Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    // Named so that Module.to() (which swaps parameters by component name) updates this field.
    [ComponentName(Name = "pos_emb")]
    private Parameter _positionTable;
    private readonly nn.Module<Tensor, Tensor>[] _blocks;
    private readonly nn.Module<Tensor, Tensor>? _postMlpNorm;
    private readonly VitMlp? _postMlp;
    private readonly nn.Module<Tensor, Tensor> _outProjection;
    private readonly ConvNeXtBlock[] _outConv;

    public VitDecoder(long width, int depth, long heads, long mlpHidden, long outChannels, int patchSize, long gridHeight,
        long gridWidth, bool postMlp, bool outConv) : base(nameof(VitDecoder))
    {
        Width = width;
        OutChannels = outChannels;
        PatchSize = patchSize;
        _positionTable = new Parameter(zeros(1, width, gridHeight, gridWidth), requires_grad: false);
        register_parameter("pos_emb", _positionTable);
        _blocks = Enumerable.Range(0, depth).Select(_ => (nn.Module<Tensor, Tensor>)new VitBlock(width, heads, mlpHidden)).ToArray();
        register_module("blocks", nn.ModuleList(_blocks));
        if (postMlp)
        {
            _postMlpNorm = nn.LayerNorm(width, VitBlock.LayerNormEps);
            _postMlp = new VitMlp(width, mlpHidden, tanh: true);
            register_module("norm_mlp", _postMlpNorm);
            register_module("post_mlp", _postMlp);
        }
        _outProjection = nn.Linear(width, outChannels * patchSize * patchSize);
        register_module("out_proj", _outProjection);
        _outConv = outConv ? [new ConvNeXtBlock(outChannels), new ConvNeXtBlock(outChannels)] : [];
        if (outConv) register_module("out_conv", nn.ModuleList<ConvNeXtBlock>(_outConv));
    }

    public long Width { get; }
    public long OutChannels { get; }
    public int PatchSize { get; }

    /// <summary>
    /// Builds the decoder stored under <paramref name="prefix"/>; <paramref name="outChannels"/> fixes the patch size
    /// (<c>out_proj</c> has C·P² rows).
    /// </summary>
    public static VitDecoder FromShapes(CheckpointShapes shapes, string prefix, long heads, long outChannels, bool postMlp)
    {
        var table = shapes.Shape($"{prefix}.pos_emb");
        var outRows = shapes.Dim($"{prefix}.out_proj.weight", 0);
        if (outRows % outChannels != 0)
            throw new InvalidDataException($"{shapes.Source}: {prefix}.out_proj has {outRows} rows, not a multiple of {outChannels} channels");
        var patchSize = (int)Math.Round(Math.Sqrt(outRows / outChannels));
        if (patchSize * patchSize * outChannels != outRows)
            throw new InvalidDataException($"{shapes.Source}: {prefix}.out_proj has {outRows} rows, not {outChannels}·P²");
        return new VitDecoder(
            width: table[1], depth: shapes.CountIndexed($"{prefix}.blocks"), heads: heads,
            mlpHidden: shapes.Dim($"{prefix}.blocks.0.mlp.fc1.weight", 0), outChannels: outChannels, patchSize: patchSize,
            gridHeight: table[2], gridWidth: table[3], postMlp: postMlp && shapes.Has($"{prefix}.post_mlp.fc1.weight"),
            outConv: shapes.HasPrefix($"{prefix}.out_conv."));
    }

    public override Tensor forward(Tensor latent)
    {
        using var scope = NewDisposeScope();
        var (batch, gridHeight, gridWidth) = (latent.shape[0], latent.shape[2], latent.shape[3]);
        var x = latent.flatten(2).transpose(1, 2).Plus(PositionTable.ForGrid(_positionTable, gridHeight, gridWidth).to(latent.dtype));
        foreach (var block in _blocks) x = block.forward(x);
        if (_postMlp is not null && _postMlpNorm is not null) x = x.Plus(_postMlp.forward(_postMlpNorm.forward(x)));
        x = _outProjection.forward(x);
        var p = PatchSize;
        var image = x.reshape(batch, gridHeight, gridWidth, OutChannels, p, p)
            .permute(0, 3, 1, 4, 2, 5)
            .reshape(batch, OutChannels, gridHeight * p, gridWidth * p);
        foreach (var block in _outConv) image = block.forward(image);
        return image.MoveToOuterDisposeScope();
    }
}
