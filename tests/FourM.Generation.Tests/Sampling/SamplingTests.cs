using FourM.Generation.Batching;
using FourM.Generation.Sampling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Sampling;

public sealed class SamplingTests
{
    private static Tensor Row(params float[] values) => torch.tensor(values, [1, values.Length]);

    private static bool[] Kept(Tensor filtered) => filtered.isfinite().data<bool>().ToArray();

    [Fact]
    public void Top_k_keeps_the_k_largest_and_ties_with_the_kth()
    {
        using var scope = NewDisposeScope();
        var kept = Kept(LogitFilter.Apply(Row(1f, 5f, 3f, 3f, 0f), TopK.Count(2), 0));
        Assert.Equal([false, true, true, true, false], kept);
    }

    [Fact]
    public void Fractional_top_k_is_a_share_of_the_vocabulary()
    {
        using var scope = NewDisposeScope();
        var kept = Kept(LogitFilter.Apply(Row(1f, 5f, 3f, 2f, 0f), TopK.Fraction(0.4), 0));   // int(0.4 * 5) = 2
        Assert.Equal([false, true, true, false, false], kept);
    }

    [Fact]
    public void Top_p_keeps_the_first_token_that_crosses_the_mass()
    {
        using var scope = NewDisposeScope();
        // probabilities ln-spaced: softmax(ln 0.5, ln 0.3, ln 0.2) = 0.5, 0.3, 0.2
        var logits = Row(MathF.Log(0.3f), MathF.Log(0.5f), MathF.Log(0.2f));
        Assert.Equal([true, true, false], Kept(LogitFilter.Apply(logits, TopK.Off, 0.6)));
        Assert.Equal([false, true, false], Kept(LogitFilter.Apply(logits, TopK.Off, 0.4)));
        Assert.Equal([false, true, false], Kept(LogitFilter.Apply(logits, TopK.Off, 1e-6)));
    }

    [Fact]
    public void Near_zero_temperature_is_argmax_with_probability_one()
    {
        using var scope = NewDisposeScope();
        var (samples, probs) = TokenSampler.Sample(Row(0.1f, 2f, 1f), 1e-11, TopK.Off, 0.9, null);
        Assert.Equal(1L, samples.item<long>());
        Assert.Equal(1f, probs.item<float>());
    }

    [Fact]
    public void Sampling_never_draws_a_filtered_token_and_reports_its_probability()
    {
        using var scope = NewDisposeScope();
        var logits = torch.tensor(new float[] { 0f, 0.1f, 0.2f, 5f, 4f, 0.3f }).repeat(64, 1);
        using var generator = JobRandom.Create(3, CPU);
        var (samples, probs) = TokenSampler.Sample(logits, 2.0, TopK.Count(2), 0, generator);
        var ids = samples.data<long>().ToArray();
        Assert.All(ids, id => Assert.True(id is 3 or 4));
        Assert.Contains(3L, ids);
        Assert.Contains(4L, ids);
        double p3 = 1 / (1 + Math.Exp((4 - 5) / 2.0));
        var p = probs.data<float>().ToArray();
        for (int i = 0; i < ids.Length; i++) Assert.Equal(ids[i] == 3 ? p3 : 1 - p3, p[i], 5);
    }

    [Fact]
    public void The_same_seed_gives_the_same_draws()
    {
        using var scope = NewDisposeScope();
        var logits = torch.randn(16, 100, generator: new Generator(1));
        var a = TokenSampler.Sample(logits, 1.0, TopK.Off, 0.8, JobRandom.Create(9, CPU)).Samples.data<long>().ToArray();
        var b = TokenSampler.Sample(logits, 1.0, TopK.Off, 0.8, JobRandom.Create(9, CPU)).Samples.data<long>().ToArray();
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(0.0, 0, false)]
    [InlineData(0.25, 0.25, true)]
    [InlineData(10.0, 10, false)]
    public void Top_k_settings_read_as_count_or_fraction(double setting, double value, bool fraction)
    {
        var k = TopK.FromSetting(setting);
        Assert.Equal(value, k.Value);
        Assert.Equal(fraction, k.IsFraction);
    }
}
