using FourM.Model.Configuration;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>The per-block settings derived from a <see cref="FourMConfig"/>, plus where to allocate.</summary>
public sealed record BlockOptions(
    long Dim,
    long NumHeads,
    long MlpHidden,
    bool QkvBias,
    bool ProjBias,
    bool MlpBias,
    bool NormBias,
    bool GatedMlp,
    bool QkNorm,
    string Activation,
    Device Device,
    ScalarType Dtype)
{
    public const double NormEps = 1e-6;

    public static BlockOptions From(FourMConfig config, Device device, ScalarType dtype) => new(
        config.Dim, config.NumHeads, config.MlpHiddenDim, config.QkvBias, config.ProjBias, config.MlpBias, config.NormBias,
        config.GatedMlp, config.QkNorm, config.ActLayer, device, dtype);

    public long HeadDim => Dim / NumHeads;

    public LayerNormalization Norm(long dim) => new(dim, NormBias, NormEps, Device, Dtype);

    public FeedForwardModule FeedForward()
    {
        // act_layer names a torch.nn class; GELU is the exact (erf) form.
        Func<Tensor, Tensor> activation = Activation == "GELU" ? nn.functional.gelu : x => nn.functional.silu(x);
        return GatedMlp
            ? new GatedMlp(Dim, MlpHidden, MlpBias, activation, Device, Dtype)
            : (FeedForwardModule)new Mlp(Dim, MlpHidden, MlpBias, activation, Device, Dtype);
    }
}
