using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Diffusion.Unet;

/// <summary>GroupNorm with 32 groups computed in float32 and cast back, as guided-diffusion's <c>GroupNorm32</c>.</summary>
public sealed class GroupNorm32 : nn.Module<Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    public const int Groups = 32;
    [ComponentName(Name = "weight")]
    private Parameter _weight;
    [ComponentName(Name = "bias")]
    private Parameter _bias;

    public GroupNorm32(long channels) : base(nameof(GroupNorm32))
    {
        if (channels % Groups != 0) throw new ArgumentException($"GroupNorm32 needs a multiple of 32 channels, got {channels}");
        _weight = new Parameter(ones(channels), requires_grad: false);
        _bias = new Parameter(zeros(channels), requires_grad: false);
        register_parameter("weight", _weight);
        register_parameter("bias", _bias);
    }

    public override Tensor forward(Tensor x)
    {
        if (x.dtype == ScalarType.Float32) return nn.functional.group_norm(x, Groups, _weight, _bias, 1e-5);
        using var scope = NewDisposeScope();
        var full = nn.functional.group_norm(x.to(ScalarType.Float32), Groups, _weight.to(ScalarType.Float32), _bias.to(ScalarType.Float32), 1e-5);
        return full.to(x.dtype).MoveToOuterDisposeScope();
    }
}
