using FourM.Generation.Batching;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Sampling;

public sealed class JobRandomTests
{
    [Fact]
    public void OnCpuItReplaysTheReferenceGeneratorStreamAcrossDrawKinds()
    {
        // The reference seeds once per step, then draws rand(N) and a multinomial from the same stream.
        using var reference = new Generator(1234);
        var expectedRand = torch.rand(16, generator: reference).data<float>().ToArray();
        var probs = torch.softmax(torch.arange(0, 40, dtype: ScalarType.Float32).reshape(4, 10) * 0.1f, -1);
        var expectedDraws = torch.multinomial(probs, 1, generator: reference).data<long>().ToArray();

        using var random = JobRandom.Create(1234, CPU);
        Assert.Equal(expectedRand, random.Rand(16).data<float>().ToArray());
        Assert.Equal(expectedDraws, random.Multinomial(probs).data<long>().ToArray());
    }

    [Fact]
    public void StreamsOfDifferentJobsDoNotInterfere()
    {
        using var alone = JobRandom.Create(7, CPU);
        var expected = alone.Rand(8).data<float>().ToArray();

        using var first = JobRandom.Create(7, CPU);
        using var other = JobRandom.Create(8, CPU);
        other.Rand(100).Dispose();
        Assert.Equal(expected, first.Rand(8).data<float>().ToArray());
    }
}
