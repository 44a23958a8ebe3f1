using FourM.ImageTokenizers.Diffusion.Scheduling;
using Xunit;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Tests.Scheduling;

public sealed class DdpmSchedulerTests
{
    [Fact]
    public void Leading_spacing_is_multiples_of_the_step_ratio_descending()
    {
        using var scheduler = new DdpmScheduler(new DdpmSettings());
        Assert.Equal([666L, 333, 0], scheduler.Timesteps(3));
        var steps25 = scheduler.Timesteps(25);
        Assert.Equal(960, steps25[0]);
        Assert.Equal(0, steps25[^1]);
        Assert.All(steps25.Zip(steps25.Skip(1)), p => Assert.Equal(40, p.First - p.Second));
    }

    [Fact]
    public void Trailing_spacing_starts_at_the_last_training_step()
    {
        using var scheduler = new DdpmScheduler(new DdpmSettings(Spacing: TimestepSpacing.Trailing));
        Assert.Equal([999L, 666, 332], scheduler.Timesteps(3));
    }

    [Fact]
    public void Zero_terminal_snr_makes_the_last_alpha_product_zero_and_keeps_the_first()
    {
        using var rescaled = NoiseSchedule.Create(new DdpmSettings(ZeroTerminalSnr: true));
        using var plain = NoiseSchedule.Create(new DdpmSettings(ZeroTerminalSnr: false));
        Assert.Equal(0f, rescaled.AlphasCumprodValues[^1]);
        Assert.True(plain.AlphasCumprodValues[^1] > 0);
        // sqrt(ᾱ₀) is the fixed point of the rescaling.
        Assert.Equal(plain.AlphasCumprodValues[0], rescaled.AlphasCumprodValues[0], 6);
        Assert.True(rescaled.AlphasCumprodValues.Zip(rescaled.AlphasCumprodValues.Skip(1)).All(p => p.First >= p.Second));
    }

    [Fact]
    public void Linear_betas_span_the_configured_range()
    {
        using var schedule = NoiseSchedule.Create(new DdpmSettings(ZeroTerminalSnr: false));
        var betas = schedule.Betas!.data<float>().ToArray();
        Assert.Equal(1000, betas.Length);
        Assert.Equal(0.0001f, betas[0]);
        Assert.Equal(0.02f, betas[^1], 7);
    }

    [Fact]
    public void Sample_prediction_final_step_returns_the_clamped_prediction()
    {
        // At the last step (t = 0, previous = -1): ᾱ_prev = 1, so x_prev = x̂₀ exactly, with no noise.
        using var scheduler = new DdpmScheduler(new DdpmSettings(Prediction: PredictionType.Sample, Thresholding: true));
        using var prediction = tensor(new[] { -3f, -0.5f, 0.25f, 2f });
        using var sample = tensor(new[] { 7f, 7f, 7f, 7f });
        using var result = scheduler.Step(prediction, 0, -1, sample, noise: null);
        Assert.Equal([-1f, -0.5f, 0.25f, 1f], result.data<float>().ToArray());
    }

    [Fact]
    public void Noisy_step_without_noise_is_refused()
    {
        using var scheduler = new DdpmScheduler(new DdpmSettings());
        using var x = zeros(4);
        Assert.Throws<ArgumentNullException>(() => scheduler.Step(x, 500, 0, x, noise: null));
    }

    [Fact]
    public void Step_count_outside_the_training_range_is_refused()
    {
        using var scheduler = new DdpmScheduler(new DdpmSettings());
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Timesteps(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Timesteps(1001));
    }
}
