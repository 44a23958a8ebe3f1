using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Diffusion.Unet;

/// <summary>
/// guided-diffusion <c>ResBlock</c>: GN → SiLU → conv3×3, plus the projected timestep embedding (added, or as FiLM
/// scale/shift when <c>use_scale_shift_norm</c>), GN → SiLU → conv3×3, and a 1×1 skip projection when widths differ.
/// </summary>
public sealed class UnetResBlock : UnetLayer
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly GroupNorm32 _inNorm;
    private readonly nn.Module<Tensor, Tensor> _inConv;
    private readonly nn.Module<Tensor, Tensor> _embeddingProjection;
    private readonly GroupNorm32 _outNorm;
    private readonly nn.Module<Tensor, Tensor> _outConv;
    private readonly nn.Module<Tensor, Tensor>? _skip;
    private readonly bool _scaleShift;

    public UnetResBlock(long channels, long outChannels, long embeddingChannels, bool scaleShift, bool convSkip)
        : base(nameof(UnetResBlock))
    {
        _scaleShift = scaleShift;
        _inNorm = new GroupNorm32(channels);
        _inConv = nn.Conv2d(channels, outChannels, kernel_size: 3, padding: 1);
        _embeddingProjection = nn.Linear(embeddingChannels, scaleShift ? 2 * outChannels : outChannels);
        _outNorm = new GroupNorm32(outChannels);
        _outConv = nn.Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1);
        register_module("in_layers", new IndexedChildren(("0", _inNorm), ("2", _inConv)));
        register_module("emb_layers", new IndexedChildren(("1", _embeddingProjection)));
        register_module("out_layers", new IndexedChildren(("0", _outNorm), ("3", _outConv)));
        if (outChannels != channels)
        {
            _skip = convSkip
                ? nn.Conv2d(channels, outChannels, kernel_size: 3, padding: 1)
                : nn.Conv2d(channels, outChannels, kernel_size: 1);
            register_module("skip_connection", _skip);
        }
    }

    public override Tensor forward(Tensor x, Tensor embedding)
    {
        using var scope = NewDisposeScope();
        var h = _inConv.forward(nn.functional.silu(_inNorm.forward(x)));
        var projected = _embeddingProjection.forward(nn.functional.silu(embedding)).to(h.dtype).unsqueeze(-1).unsqueeze(-1);
        if (_scaleShift)
        {
            var parts = projected.chunk(2, 1);
            h = (_outNorm.forward(h) * parts[0].Plus(1L)).Plus(parts[1]);
            h = _outConv.forward(nn.functional.silu(h));
        }
        else
        {
            h = _outConv.forward(nn.functional.silu(_outNorm.forward(h.Plus(projected))));
        }
        var skip = _skip is null ? x : _skip.forward(x);
        return skip.Plus(h).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Gives modules the child names they have inside the reference's <c>nn.Sequential</c> (parameter-free layers such as
/// SiLU and Dropout keep their index but hold nothing).
/// </summary>
internal sealed class IndexedChildren : nn.Module
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    public IndexedChildren(params (string Name, nn.Module Module)[] children) : base("Sequential")
    {
        foreach (var (name, module) in children) register_module(name, module);
    }
}
