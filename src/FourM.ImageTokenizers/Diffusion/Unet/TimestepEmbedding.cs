using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Diffusion.Unet;

/// <summary>guided-diffusion's sinusoidal timestep features: [cos(t·f), sin(t·f)], f = exp(-ln(10⁴)·i/half), float32.</summary>
public static class TimestepEmbedding
{
    public static Tensor Sinusoidal(Tensor timesteps, long dim, double maxPeriod = 10000)
    {
        using var scope = NewDisposeScope();
        var half = dim / 2;
        var frequencies = exp(ScalarOperands.Range(half, ScalarType.Float32, timesteps.device).MulBy(-Math.Log(maxPeriod)).DivBy(half));
        var args = timesteps.to(ScalarType.Float32).unsqueeze(1) * frequencies.unsqueeze(0);
        var embedding = cat([cos(args), sin(args)], -1);
        if (dim % 2 == 1) embedding = cat([embedding, zeros_like(embedding[.., ..1])], -1);
        return embedding.MoveToOuterDisposeScope();
    }
}
