using FourM.Grains.Interfaces.Sessions;
using FourM.Silo.Configuration;
using FourM.Silo.Lifecycle;
using Xunit;

namespace FourM.Serving.Tests.Platform.Silo;

public sealed class WarmupBurstTests
{
    private static readonly string[] FourM7 = ["rgb@224", "tok_rgb@224", "tok_depth@224", "tok_semseg@224", "tok_normal@224", "tok_clip@224", "caption", "det"];

    [Fact]
    public void The_burst_alternates_text_to_image_and_image_to_many_each_with_its_own_client_and_seed()
    {
        var requests = WarmupBurst.Requests("base@1", FourM7, "silo-0/cuda:0", sessions: 5, imageSteps: 25);

        Assert.Equal(5, requests.Count);
        Assert.Equal(["caption", "tok_rgb@224", "caption", "tok_rgb@224", "caption"], requests.Select(r => r.Inputs.Single().Modality));
        Assert.Equal(["tok_clip@224", "tok_rgb@224"], requests[0].Targets.Select(t => t.Modality));
        Assert.All(requests[0].Targets, t => Assert.Equal(25, t.DecodingSteps));
        Assert.Equal(["tok_depth@224", "tok_normal@224", "caption"], requests[1].Targets.Select(t => t.Modality));
        Assert.Equal(TargetScheme.Autoregressive, requests[1].Targets[2].Scheme);
        Assert.Equal(5, requests.Select(r => r.ClientId).Distinct().Count());
        Assert.Equal(5, requests.Select(r => r.Seed).Distinct().Count());
        Assert.All(requests, r => Assert.Equal(("base@1", "silo-0/cuda:0", ServingMode.Fused), (r.ModelId, r.Device, r.Mode)));
    }

    [Fact]
    public void A_model_without_a_kinds_modalities_gets_only_the_other_kind_or_no_burst()
    {
        var noClip = WarmupBurst.Requests("m", FourM7.Where(m => m != "tok_clip@224").ToArray(), "d", 3, 2);
        Assert.All(noClip, r => Assert.Equal("tok_rgb@224", r.Inputs.Single().Modality));
        Assert.Equal(3, noClip.Count);

        var noCaption = WarmupBurst.Requests("m", FourM7.Where(m => m != "caption").ToArray(), "d", 2, 2);
        Assert.All(noCaption, r => Assert.Equal(["tok_depth@224", "tok_normal@224"], r.Targets.Select(t => t.Modality)));

        Assert.Empty(WarmupBurst.Requests("m", ["rgb@224", "caption"], "d", 4, 2));
    }

    [Theory]
    [InlineData(null, "cuda:0", WarmupOptions.DefaultCudaBurstSessions)]
    [InlineData(null, "cuda", WarmupOptions.DefaultCudaBurstSessions)]
    [InlineData(null, "cpu:0", 0)]
    [InlineData(0, "cuda:0", 0)]
    [InlineData(6, "cpu:0", 6)]
    public void The_burst_size_defaults_to_cuda_devices_only(int? configured, string device, int expected) =>
        Assert.Equal(expected, new WarmupOptions { BurstSessions = configured }.BurstSessionsOn(device));
}
