using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Vit;

/// <summary>
/// ConvNeXt block used as the ViT decoder's optional <c>out_conv</c> (against patch artefacts): depthwise 7×7 conv,
/// channels-last LayerNorm(1e-6), pointwise 4× MLP with GELU, layer scale <c>gamma</c>, residual.
/// </summary>
public sealed class ConvNeXtBlock : nn.Module<Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly nn.Module<Tensor, Tensor> _depthwise;
    private readonly nn.Module<Tensor, Tensor> _norm;
    private readonly nn.Module<Tensor, Tensor> _pointwise1;
    private readonly nn.Module<Tensor, Tensor> _pointwise2;
    [ComponentName(Name = "gamma")]
    private Parameter _gamma;

    public ConvNeXtBlock(long channels) : base(nameof(ConvNeXtBlock))
    {
        _depthwise = nn.Conv2d(channels, channels, kernel_size: 7, padding: 3, groups: channels);
        _norm = nn.LayerNorm(channels, 1e-6);
        _pointwise1 = nn.Linear(channels, 4 * channels);
        _pointwise2 = nn.Linear(4 * channels, channels);
        _gamma = new Parameter(ScalarOperands.FullOf(channels, 1e-6f), requires_grad: false);
        register_module("dwconv", _depthwise);
        register_module("norm", _norm);
        register_module("pwconv1", _pointwise1);
        register_module("pwconv2", _pointwise2);
        register_parameter("gamma", _gamma);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = _depthwise.forward(x).permute(0, 2, 3, 1);
        h = _pointwise2.forward(nn.functional.gelu(_pointwise1.forward(_norm.forward(h))));
        h = (_gamma * h).permute(0, 3, 1, 2);
        return x.Plus(h).MoveToOuterDisposeScope();
    }
}
