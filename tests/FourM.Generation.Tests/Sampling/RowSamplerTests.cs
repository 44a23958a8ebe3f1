using FourM.Generation.Batching;
using FourM.Generation.Sampling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Sampling;

public sealed class RowSamplerTests
{
    [Fact]
    public void Jobs_with_different_temperatures_sampled_together_draw_what_each_draws_alone()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(21);
        double[] temperatures = [6.0, 0.5, 3.2, 0.5, 1e-12, 6.0, 1.0];
        var logits = temperatures.Select((_, j) => torch.randn([3 + j % 3, 2048], generator: generator) * 2).ToArray();

        var together = RowSampler.Sample(temperatures.Select((t, j) =>
            new RowSampler.Rows(logits[j], t, TopK.Off, 0.8, JobRandom.Create(100 + j, CPU))).ToList());

        for (int j = 0; j < temperatures.Length; j++)
        {
            using var random = JobRandom.Create(100 + j, CPU);
            var (samples, probabilities) = TokenSampler.Sample(logits[j], temperatures[j], TopK.Off, 0.8, random);
            Assert.Equal(samples.data<long>().ToArray(), together[j].Samples.data<long>().ToArray());
            Assert.Equal(probabilities.data<float>().ToArray(), together[j].Probabilities.data<float>().ToArray());
        }
    }

    [Fact]
    public void Batched_draws_give_the_same_tokens_as_drawing_job_by_job()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(8);
        double[] temperatures = [6.0, 0.5, 3.2, 0.5, 1e-12, 6.0, 1.0];
        var logits = temperatures.Select((_, j) => torch.randn([2 + j % 4, 1024], generator: generator) * 3).ToArray();
        RowSampler.Rows[] Jobs() => temperatures.Select((t, j) => new RowSampler.Rows(logits[j], t, TopK.Off, 0.9, JobRandom.Create(300 + j, CPU))).ToArray();

        var perJob = RowSampler.Sample(Jobs(), batchedDraws: false);
        var batched = RowSampler.Sample(Jobs(), batchedDraws: true);

        for (int j = 0; j < temperatures.Length; j++)
        {
            Assert.Equal(perJob[j].Samples.data<long>().ToArray(), batched[j].Samples.data<long>().ToArray());
            Assert.Equal(perJob[j].Probabilities.data<float>().ToArray(), batched[j].Probabilities.data<float>().ToArray());
        }
    }
}
