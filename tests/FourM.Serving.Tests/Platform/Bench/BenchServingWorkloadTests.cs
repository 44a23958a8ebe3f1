using FourM.Cli.Commands;
using FourM.Grains.Interfaces.Sessions;
using Xunit;

namespace FourM.Serving.Tests.Platform.Bench;

/// <summary>The serving benchmark's workloads: the mixed one alternates the two kinds, each kind alone is all of one.</summary>
public sealed class BenchServingWorkloadTests
{
    [Fact]
    public void The_mixed_workload_alternates_text_to_image_and_image_to_many_with_a_seed_each()
    {
        var workload = BenchServingWorkload.Build(4, 100);
        Assert.Equal(["t2i", "rgb2x", "t2i", "rgb2x"], workload.Select(w => w.Kind));
        Assert.Equal([100L, 101, 102, 103], workload.Select(w => w.Request.Seed!.Value));
        Assert.Equal(["tok_clip@224", "tok_rgb@224"], workload[0].Request.Targets.Select(t => t.Modality));
        Assert.Equal(TargetScheme.Autoregressive, workload[1].Request.Targets[^1].Scheme);
    }

    [Theory]
    [InlineData("t2i")]
    [InlineData("rgb2x")]
    public void One_kind_alone_keeps_the_seeds_of_the_mixed_workload(string kind)
    {
        var workload = BenchServingWorkload.Build(3, 7, kind);
        Assert.All(workload, w => Assert.Equal(kind, w.Kind));
        Assert.Equal([7L, 8, 9], workload.Select(w => w.Request.Seed!.Value));
    }
}
