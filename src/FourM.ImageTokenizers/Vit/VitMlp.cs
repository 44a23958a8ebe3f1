using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Vit;

/// <summary>fc1 → activation → fc2, the reference's timm-style <c>Mlp</c> (GELU in blocks, tanh in the post-MLP).</summary>
public sealed class VitMlp : nn.Module<Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly nn.Module<Tensor, Tensor> _fc1;
    private readonly nn.Module<Tensor, Tensor> _fc2;
    private readonly bool _tanh;

    public VitMlp(long dim, long hidden, bool tanh) : base(nameof(VitMlp))
    {
        _fc1 = nn.Linear(dim, hidden);
        _fc2 = nn.Linear(hidden, dim);
        _tanh = tanh;
        register_module("fc1", _fc1);
        register_module("fc2", _fc2);
    }

    public override Tensor forward(Tensor x)
    {
        using var h = _fc1.forward(x);
        // nn.GELU() in the reference is the exact (erf) form.
        using var a = _tanh ? h.tanh() : nn.functional.gelu(h);
        return _fc2.forward(a);
    }
}
