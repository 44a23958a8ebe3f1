using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// The reference's LayerNorm: with <c>bias=false</c> the bias is a zero buffer (so the state-dict key <c>bias</c> still exists),
/// otherwise a parameter. Applied with <c>layer_norm</c> over the last dimension.
/// </summary>
public sealed class LayerNormalization : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Field names are the reference's state-dict keys.
    private readonly Parameter weight;
    private readonly Tensor bias;
#pragma warning restore IDE1006
    private readonly long[] _shape;
    private readonly double _eps;

    public LayerNormalization(long dim, bool hasBias, double eps, Device device, ScalarType dtype) : base(nameof(LayerNormalization))
    {
        _shape = [dim];
        _eps = eps;
        weight = new Parameter(ones(dim, dtype: dtype, device: device));
        bias = hasBias ? new Parameter(zeros(dim, dtype: dtype, device: device)) : zeros(dim, dtype: dtype, device: device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.layer_norm(input, _shape, weight, bias, _eps);
}
