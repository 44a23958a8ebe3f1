using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Vit;

/// <summary>
/// Multi-head self-attention as the reference's non-xFormers path computes it: softmax((q·kᵀ)·d⁻½)·v with an explicit
/// matmul, so CPU float32 results match the goldens closely.
/// </summary>
public sealed class VitAttention : nn.Module<Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly nn.Module<Tensor, Tensor> _qkv;
    private readonly nn.Module<Tensor, Tensor> _proj;
    private readonly long _heads;
    private readonly double _scale;

    public VitAttention(long dim, long heads) : base(nameof(VitAttention))
    {
        if (dim % heads != 0) throw new ArgumentException($"width {dim} is not divisible by {heads} heads");
        _heads = heads;
        _scale = Math.Pow(dim / heads, -0.5);
        _qkv = nn.Linear(dim, dim * 3, hasBias: true);
        _proj = nn.Linear(dim, dim);
        register_module("qkv", _qkv);
        register_module("proj", _proj);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (b, n, c) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = _qkv.forward(x).reshape(b, n, 3, _heads, c / _heads).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        var attention = q.matmul(k.transpose(-2, -1)).MulBy(_scale).softmax(-1);
        var mixed = attention.matmul(v).transpose(1, 2).reshape(b, n, c);
        return _proj.forward(mixed).MoveToOuterDisposeScope();
    }
}
