using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Diffusion.Unet;

/// <summary>One layer of a UNet stage; layers that do not use the timestep embedding ignore it.</summary>
public abstract class UnetLayer(string name) : nn.Module<Tensor, Tensor, Tensor>(name);

/// <summary>A stage (<c>TimestepEmbedSequential</c>): its layers in order, registered as children 0, 1, 2, ….</summary>
public sealed class UnetStage : nn.Module<Tensor, Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly UnetLayer[] _layers;

    public UnetStage(IReadOnlyList<UnetLayer> layers) : base(nameof(UnetStage))
    {
        _layers = layers.ToArray();
        for (var i = 0; i < _layers.Length; i++) register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), _layers[i]);
    }

    public override Tensor forward(Tensor x, Tensor embedding)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var layer in _layers) h = layer.forward(h, embedding);
        return h.MoveToOuterDisposeScope();
    }
}

/// <summary>A plain 3×3 convolution (the UNet's input layer).</summary>
public sealed class UnetConv : UnetLayer
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    // The convolution's weight and bias sit directly at the layer's path (input_blocks.0.0.weight), so this layer is the conv.
    [ComponentName(Name = "weight")]
    private Parameter _weight;
    [ComponentName(Name = "bias")]
    private Parameter _bias;

    public UnetConv(long inChannels, long outChannels) : base(nameof(UnetConv))
    {
        using var template = nn.Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1);
        _weight = new Parameter(template.weight!.detach().clone(), requires_grad: false);
        _bias = new Parameter(template.bias!.detach().clone(), requires_grad: false);
        register_parameter("weight", _weight);
        register_parameter("bias", _bias);
    }

    public override Tensor forward(Tensor x, Tensor embedding) =>
        nn.functional.conv2d(x, _weight, _bias, padding: [1, 1]);
}

/// <summary>Strided 3×3 convolution halving the resolution (<c>Downsample</c> with conv_resample).</summary>
public sealed class UnetDownsample : UnetLayer
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly nn.Module<Tensor, Tensor> _op;

    public UnetDownsample(long channels, long outChannels) : base(nameof(UnetDownsample))
    {
        _op = nn.Conv2d(channels, outChannels, kernel_size: 3, stride: 2, padding: 1);
        register_module("op", _op);
    }

    public override Tensor forward(Tensor x, Tensor embedding) => _op.forward(x);
}

/// <summary>Nearest-neighbour ×2 upsampling followed by a 3×3 convolution (<c>Upsample</c> with conv_resample).</summary>
public sealed class UnetUpsample : UnetLayer
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly nn.Module<Tensor, Tensor> _conv;

    public UnetUpsample(long channels, long outChannels) : base(nameof(UnetUpsample))
    {
        _conv = nn.Conv2d(channels, outChannels, kernel_size: 3, padding: 1);
        register_module("conv", _conv);
    }

    public override Tensor forward(Tensor x, Tensor embedding)
    {
        using var up = nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return _conv.forward(up);
    }
}
