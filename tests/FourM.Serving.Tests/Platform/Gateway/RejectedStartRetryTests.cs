using FourM.Client;
using FourM.Client.Contracts;
using FourM.Grains.Interfaces.Sessions;
using Xunit;

namespace FourM.Serving.Tests.Platform.Gateway;

/// <summary>The SDK's opt-in retry of starts the cluster refuses for now (<see cref="FourMClientOptions.RetryRejectedStartsFor"/>).</summary>
public sealed class RejectedStartRetryTests(GatewayHarness harness) : IClassFixture<GatewayHarness>
{
    private static GenerationRequest Request(string model) => new()
    {
        Model = model,
        Targets = [new GenerationTarget { Modality = "tok_rgb@224", Steps = 2 }],
    };

    private FourMClient ClientRetryingFor(TimeSpan budget) => new(harness.GrainFactory, new FourMClientOptions
    {
        DefaultModel = "tiny", PinModelVersions = false, RetryRejectedStartsFor = budget,
    });

    [Fact]
    public async Task A_start_refused_for_now_is_retried_after_each_retry_after_and_then_runs()
    {
        var started = DateTime.UtcNow;
        var status = await ClientRetryingFor(TimeSpan.FromSeconds(10)).CreateSessionAsync(Request(ScriptedSessionGrain.BusyModel));

        Assert.Equal(SessionPhase.Running, status.Phase);
        Assert.True(DateTime.UtcNow - started >= ScriptedSessionGrain.BusyRetryAfter * ScriptedSessionGrain.BusyRejections * 0.9,
            "the client must wait each rejection's retry-after");
    }

    [Fact]
    public async Task Without_a_budget_or_beyond_it_the_rejection_surfaces_with_its_retry_after()
    {
        var immediate = await Assert.ThrowsAsync<GenerationRejectedException>(() =>
            ClientRetryingFor(TimeSpan.Zero).CreateSessionAsync(Request(ScriptedSessionGrain.BusyModel)));
        Assert.Equal("QueueFull", immediate.Reason);

        // 3.2 s retry-after against a 1 s budget: no waiting at all.
        var started = DateTime.UtcNow;
        var beyond = await Assert.ThrowsAsync<GenerationRejectedException>(() =>
            ClientRetryingFor(TimeSpan.FromSeconds(1)).CreateSessionAsync(Request(ScriptedSessionGrain.RejectModel)));
        Assert.Equal(ScriptedSessionGrain.RejectRetryAfter, beyond.RetryAfter);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
    }
}

/// <summary>The retry loop itself, with scripted starts.</summary>
public sealed class RejectedStartRetryLoopTests
{
    [Fact]
    public async Task Transient_rejections_are_retried_within_the_budget_and_permanent_ones_surface_at_once()
    {
        int attempts = 0;
        var waits = new List<TimeSpan>();
        var result = await RejectedStartRetry.RunAsync(() => ++attempts <= 2
                ? throw new GenerationRejectedException("ClientConcurrencyLimit", TimeSpan.FromMilliseconds(10), "cap")
                : Task.FromResult("started"),
            TimeSpan.FromSeconds(5), (_, wait) => waits.Add(wait));
        Assert.Equal("started", result);
        Assert.Equal(3, attempts);
        Assert.Equal([RejectedStartRetry.MinimumWait, RejectedStartRetry.MinimumWait], waits);

        attempts = 0;
        var permanent = await Assert.ThrowsAsync<GenerationRejectedException>(() => RejectedStartRetry.RunAsync<string>(() =>
        {
            attempts++;
            throw new GenerationRejectedException("UnknownModel", TimeSpan.FromMilliseconds(10), "no such model");
        }, TimeSpan.FromSeconds(5)));
        Assert.Equal("UnknownModel", permanent.Reason);
        Assert.Equal(1, attempts);
    }
}
