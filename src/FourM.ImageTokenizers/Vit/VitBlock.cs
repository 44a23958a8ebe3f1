using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Vit;

/// <summary>Pre-norm transformer block: x + attn(LN(x)), then x + mlp(LN(x)); LayerNorm eps 1e-6.</summary>
public sealed class VitBlock : nn.Module<Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    public const double LayerNormEps = 1e-6;
    private readonly nn.Module<Tensor, Tensor> _norm1;
    private readonly nn.Module<Tensor, Tensor> _norm2;
    private readonly VitAttention _attention;
    private readonly VitMlp _mlp;

    public VitBlock(long dim, long heads, long mlpHidden) : base(nameof(VitBlock))
    {
        _norm1 = nn.LayerNorm(dim, LayerNormEps);
        _norm2 = nn.LayerNorm(dim, LayerNormEps);
        _attention = new VitAttention(dim, heads);
        _mlp = new VitMlp(dim, mlpHidden, tanh: false);
        register_module("norm1", _norm1);
        register_module("norm2", _norm2);
        register_module("attn", _attention);
        register_module("mlp", _mlp);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x.Plus(_attention.forward(_norm1.forward(x)));
        h = h.Plus(_mlp.forward(_norm2.forward(h)));
        return h.MoveToOuterDisposeScope();
    }
}
