using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Diffusion.Scheduling;

/// <summary>
/// The reference DDPM sampler step (<c>fourm/vq/scheduling/scheduling_ddpm.py</c>, "fixed_small" variance): x₀ from the
/// model output, clamp (thresholding with sample_max_value 1 reduces to a clamp to [-1, 1]), posterior mean, plus
/// σ·noise for every step but the last. Noise is supplied by the caller so that each image can own its generator.
/// </summary>
public sealed class DdpmScheduler : IDisposable
{
    private readonly NoiseSchedule _schedule;

    public DdpmScheduler(DdpmSettings settings)
    {
        Settings = settings;
        _schedule = NoiseSchedule.Create(settings);
    }

    public DdpmSettings Settings { get; }

    public NoiseSchedule Schedule => _schedule;

    /// <summary>The descending timesteps of an <paramref name="steps"/>-step decode.</summary>
    public long[] Timesteps(int steps)
    {
        var total = Settings.TrainTimesteps;
        if (steps < 1 || steps > total) throw new ArgumentOutOfRangeException(nameof(steps), $"steps must lie in [1, {total}], got {steps}");
        return Settings.Spacing switch
        {
            TimestepSpacing.Leading => Enumerable.Range(0, steps).Select(i => (long)i * (total / steps)).Reverse().ToArray(),
            TimestepSpacing.Trailing => Enumerable.Range(0, steps)
                .Select(i => (long)Math.Round(total - i * (total / (double)steps), MidpointRounding.ToEven) - 1).ToArray(),
            _ => throw new InvalidOperationException($"unknown spacing {Settings.Spacing}"),
        };
    }

    /// <summary>The timestep after position <paramref name="index"/> of <paramref name="timesteps"/>, or -1 after the last.</summary>
    public static long Previous(long[] timesteps, int index) => index + 1 < timesteps.Length ? timesteps[index + 1] : -1;

    /// <summary>True when a step from this timestep adds noise (every step but the one from t = 0).</summary>
    public static bool AddsNoise(long timestep) => timestep > 0;

    /// <summary>One reverse step from <paramref name="timestep"/> to <paramref name="previous"/> (float32 tensors).</summary>
    /// <param name="noise">Standard normal noise shaped like <paramref name="sample"/>; required when timestep &gt; 0.</param>
    public Tensor Step(Tensor modelOutput, long timestep, long previous, Tensor sample, Tensor? noise)
    {
        using var scope = NewDisposeScope();
        var alphas = _schedule.AlphasCumprod;
        // 0-dim float32 tensors, so the coefficients round exactly as the reference's do.
        var alphaProd = alphas[timestep];
        var alphaProdPrevious = previous >= 0 ? alphas[previous] : tensor(1.0f);
        var betaProd = alphaProd.SubtractedFrom(1);
        var betaProdPrevious = alphaProdPrevious.SubtractedFrom(1);
        var currentAlpha = alphaProd / alphaProdPrevious;
        var currentBeta = currentAlpha.SubtractedFrom(1);
        var device = sample.device;

        var original = Settings.Prediction switch
        {
            PredictionType.Epsilon => (sample - betaProd.PowBy(0.5).to(device) * modelOutput) / alphaProd.PowBy(0.5).to(device),
            PredictionType.Sample => modelOutput,
            PredictionType.VPrediction => alphaProd.PowBy(0.5).to(device) * sample - betaProd.PowBy(0.5).to(device) * modelOutput,
            _ => throw new InvalidOperationException($"unknown prediction type {Settings.Prediction}"),
        };
        if (Settings.Thresholding)
        {
            // Dynamic thresholding clamps its percentile s to [1, sample_max_value]; DiVAE never sets sample_max_value, so it
            // stays 1, s = 1 and thresholding is exactly a clamp to [-1, 1].
            original = original.ClampTo(-1.0, 1.0);
        }
        else if (Settings.ClipSample)
        {
            original = original.ClampTo(-Settings.ClipSampleRange, Settings.ClipSampleRange);
        }

        var originalCoefficient = (alphaProdPrevious.PowBy(0.5) * currentBeta / betaProd).to(device);
        var sampleCoefficient = (currentAlpha.PowBy(0.5) * betaProdPrevious / betaProd).to(device);
        var previousSample = (originalCoefficient * original).Plus(sampleCoefficient * sample);
        if (AddsNoise(timestep))
        {
            if (noise is null) throw new ArgumentNullException(nameof(noise), $"step at t={timestep} needs noise");
            var variance = (alphaProdPrevious.SubtractedFrom(1) / alphaProd.SubtractedFrom(1) * currentBeta).ClampMin(1e-20);
            previousSample = previousSample.Plus(variance.PowBy(0.5).to(device) * noise.to(device));
        }
        return previousSample.MoveToOuterDisposeScope();
    }

    public void Dispose() => _schedule.Dispose();
}
