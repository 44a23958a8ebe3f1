using System.Globalization;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Diffusion.Scheduling;

/// <summary>
/// The training noise schedule: betas and their cumulative alpha products, computed with float32 tensor ops in the
/// reference's order (so they equal the stored goldens bit for bit). CPU tensors, owned by this object.
/// </summary>
public sealed class NoiseSchedule : IDisposable
{
    private NoiseSchedule(Tensor? betas, Tensor alphasCumprod)
    {
        Betas = betas;
        AlphasCumprod = alphasCumprod;
        AlphasCumprodValues = alphasCumprod.data<float>().ToArray();
    }

    /// <summary>Null for the shifted-cosine schedule, which is defined directly by its alpha products.</summary>
    public Tensor? Betas { get; }

    public Tensor AlphasCumprod { get; }

    public float[] AlphasCumprodValues { get; }

    public static NoiseSchedule Create(DdpmSettings settings)
    {
        var steps = settings.TrainTimesteps;
        using var scope = NewDisposeScope();
        if (settings.BetaSchedule.StartsWith("shifted_cosine:", StringComparison.Ordinal))
        {
            var shift = double.Parse(settings.BetaSchedule["shifted_cosine:".Length..], CultureInfo.InvariantCulture);
            var t = linspace(0, 1, steps, dtype: ScalarType.Float64);
            var logSnr = t.MulBy(Math.PI).DivBy(2).tan().log().Plus(Math.Log(shift)).MulBy(-2);
            var cumprod = logSnr.ClampTo(-15, 15).to(ScalarType.Float32).sigmoid();
            cumprod[steps - 1] = tensor(0f);
            return new NoiseSchedule(null, cumprod.MoveToOuterDisposeScope());
        }
        var betas = settings.BetaSchedule switch
        {
            "linear" => linspace(settings.BetaStart, settings.BetaEnd, steps, dtype: ScalarType.Float32),
            "scaled_linear" => linspace(Math.Sqrt(settings.BetaStart), Math.Sqrt(settings.BetaEnd), steps, dtype: ScalarType.Float32).PowBy(2),
            "squaredcos_cap_v2" => CosineBetas(steps),
            "sigmoid" => linspace(-6, 6, steps, dtype: ScalarType.Float32).sigmoid().MulBy(settings.BetaEnd - settings.BetaStart).Plus(settings.BetaStart),
            var other => throw new NotSupportedException($"beta schedule '{other}' is not supported"),
        };
        if (settings.ZeroTerminalSnr) betas = EnforceZeroTerminalSnr(betas);
        var alphasCumprod = betas.SubtractedFrom(1).cumprod(0);
        return new NoiseSchedule(betas.MoveToOuterDisposeScope(), alphasCumprod.MoveToOuterDisposeScope());
    }

    /// <summary>Rescales betas so the last step has zero SNR (arXiv 2305.08891, Algorithm 1).</summary>
    public static Tensor EnforceZeroTerminalSnr(Tensor betas)
    {
        using var scope = NewDisposeScope();
        var alphasBarSqrt = betas.SubtractedFrom(1).cumprod(0).sqrt();
        var first = alphasBarSqrt[0].clone();
        var last = alphasBarSqrt[-1].clone();
        alphasBarSqrt = alphasBarSqrt - last;
        alphasBarSqrt = alphasBarSqrt * (first / (first - last));
        var alphasBar = alphasBarSqrt.PowBy(2);
        var alphas = cat([alphasBar[..1], alphasBar[1..] / alphasBar[..^1]]);
        return alphas.SubtractedFrom(1).MoveToOuterDisposeScope();
    }

    private static Tensor CosineBetas(int steps)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        var values = new float[steps];
        for (var i = 0; i < steps; i++)
            values[i] = (float)Math.Min(1 - AlphaBar((i + 1) / (double)steps) / AlphaBar(i / (double)steps), 0.999);
        return tensor(values);
    }

    public void Dispose()
    {
        Betas?.Dispose();
        AlphasCumprod.Dispose();
    }
}
