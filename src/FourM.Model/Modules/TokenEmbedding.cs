using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// A lookup table with state-dict key <c>weight</c>, allocated directly on the target device and dtype (TorchSharp's
/// <c>nn.Embedding</c> is built on the CPU in float32 first, which costs gigabytes for XL vocabularies and defeats the meta device).
/// </summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Parameter weight;
#pragma warning restore IDE1006

    public TokenEmbedding(long vocabulary, long dim, Device device, ScalarType dtype) : base(nameof(TokenEmbedding))
    {
        weight = new Parameter(empty(new long[] { vocabulary, dim }, dtype: dtype, device: device));
        if (device.type != DeviceType.META)
        {
            using var noGrad = no_grad();
            nn.init.normal_(weight, 0, 0.02);
        }
        RegisterComponents();
    }

    /// <summary>ids (…) int64 → (…, D); ids must already be validated against the vocabulary.</summary>
    public override Tensor forward(Tensor ids)
    {
        var shape = ids.shape.Append(weight.shape[1]).ToArray();
        return weight.index_select(0, ids.reshape(-1)).reshape(shape);
    }
}
