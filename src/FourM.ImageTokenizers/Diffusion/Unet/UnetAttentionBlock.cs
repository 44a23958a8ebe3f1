using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Diffusion.Unet;

/// <summary>
/// guided-diffusion spatial self-attention (<c>AttentionBlock</c> with the legacy QKV order): GN, 1×1 conv to q,k,v per
/// head, both q and k scaled by d^-¼, softmax in float32, 1×1 output projection, residual.
/// </summary>
public sealed class UnetAttentionBlock : UnetLayer
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly GroupNorm32 _norm;
    private readonly nn.Module<Tensor, Tensor> _qkv;
    private readonly nn.Module<Tensor, Tensor> _projection;
    private readonly long _heads;

    public UnetAttentionBlock(long channels, long heads) : base(nameof(UnetAttentionBlock))
    {
        if (channels % heads != 0) throw new ArgumentException($"{channels} channels are not divisible by {heads} heads");
        _heads = heads;
        _norm = new GroupNorm32(channels);
        _qkv = nn.Conv1d(channels, channels * 3, 1);
        _projection = nn.Conv1d(channels, channels, 1);
        register_module("norm", _norm);
        register_module("qkv", _qkv);
        register_module("proj_out", _projection);
    }

    public override Tensor forward(Tensor x, Tensor embedding)
    {
        using var scope = NewDisposeScope();
        var (b, c) = (x.shape[0], x.shape[1]);
        var flat = x.reshape(b, c, -1);
        var length = flat.shape[2];
        var qkv = _qkv.forward(_norm.forward(flat));
        var headChannels = c / _heads;
        var parts = qkv.reshape(b * _heads, headChannels * 3, length).split(headChannels, 1);
        var scale = 1 / Math.Sqrt(Math.Sqrt(headChannels));
        var weight = parts[0].MulBy(scale).transpose(1, 2).matmul(parts[1].MulBy(scale)); // (bh, t, s)
        weight = weight.to(ScalarType.Float32).softmax(-1).to(weight.dtype);
        var attended = parts[2].matmul(weight.transpose(1, 2)).reshape(b, -1, length); // (bh, c, t)
        var h = _projection.forward(attended);
        return flat.Plus(h).reshape(x.shape).MoveToOuterDisposeScope();
    }
}
