using FourM.ImageTokenizers.Configuration;

namespace FourM.ImageTokenizers.Diffusion.Scheduling;

/// <summary>What the decoder network predicts at each step.</summary>
public enum PredictionType { Epsilon, Sample, VPrediction }

/// <summary>How <see cref="DdpmScheduler.Timesteps"/> spaces the inference steps over the training steps.</summary>
public enum TimestepSpacing
{
    /// <summary><c>arange(n)·(T//n)</c> reversed: the reference DDPM scheduler's only behaviour (it ignores its mode argument).</summary>
    Leading,
    /// <summary><c>round(arange(T, 0, -T/n)) - 1</c>, which starts at the last training step (arXiv 2305.08891).</summary>
    Trailing,
}

/// <summary>The DDPM settings a DiVAE checkpoint was trained with (reference <c>DDPMScheduler.__init__</c> arguments).</summary>
public sealed record DdpmSettings(
    int TrainTimesteps = 1000,
    string BetaSchedule = "linear",
    double BetaStart = 0.0001,
    double BetaEnd = 0.02,
    PredictionType Prediction = PredictionType.Sample,
    bool ZeroTerminalSnr = true,
    bool Thresholding = true,
    bool ClipSample = false,
    double ClipSampleRange = 1.0,
    TimestepSpacing Spacing = TimestepSpacing.Leading)
{
    public static DdpmSettings FromConfig(TokenizerConfig config)
    {
        if (!string.Equals(config.SchedulerType, "ddpm", StringComparison.OrdinalIgnoreCase))
            throw new NotSupportedException($"{config.Source}: scheduler '{config.SchedulerType}' is not supported; only 'ddpm' is");
        var spacing = config.GetString("timestep_spacing", "leading") switch
        {
            "leading" => TimestepSpacing.Leading,
            "trailing" => TimestepSpacing.Trailing,
            var other => throw new InvalidDataException($"{config.Source}: timestep_spacing '{other}' is not 'leading' or 'trailing'"),
        };
        return new DdpmSettings(
            TrainTimesteps: config.TrainTimesteps,
            BetaSchedule: config.BetaSchedule,
            BetaStart: config.GetDouble("beta_start", 0.0001),
            BetaEnd: config.GetDouble("beta_end", 0.02),
            Prediction: ParsePrediction(config.PredictionType, config.Source),
            ZeroTerminalSnr: config.ZeroTerminalSnr,
            Thresholding: config.Thresholding,
            ClipSample: config.ClipSample,
            Spacing: spacing);
    }

    private static PredictionType ParsePrediction(string text, string source) => text switch
    {
        "epsilon" => PredictionType.Epsilon,
        "sample" => PredictionType.Sample,
        "v_prediction" => PredictionType.VPrediction,
        _ => throw new InvalidDataException($"{source}: prediction_type '{text}' is not 'epsilon', 'sample' or 'v_prediction'"),
    };
}
