using FourM.Engine.Batching;
using FourM.Engine.Engine;
using FourM.Engine.Metrics;
using FourM.Serving.Tests.Fakes;
using Xunit;

namespace FourM.Serving.Tests.Engine;

/// <summary>A caller that gave up on an encode (its reply lost to cancellation) must not leave the context on the device.</summary>
public sealed class AbandonedEncodeTests
{
    private static JobScheduling For(string session) => new(session, "m", 1, null);

    [Fact]
    public async Task Abandoning_a_finished_encode_releases_its_context()
    {
        var factory = new FakeRunnerFactory();
        using var metrics = new ServingMetrics();
        using var engine = new DeviceEngine("cpu:0", factory, new EngineOptions { MaxQueueDelay = TimeSpan.Zero }, metrics);

        var job = Jobs.Job("a");
        await engine.SubmitEncode(job, For("a"), CancellationToken.None);
        Assert.Equal(1, engine.Snapshot().HeldContexts);

        await engine.AbandonEncode(job.JobId);
        Assert.Equal(0, engine.Snapshot().HeldContexts);
    }

    [Fact]
    public async Task Abandoning_an_encode_still_on_the_device_releases_its_context_when_it_finishes()
    {
        var factory = new FakeRunnerFactory();
        using var gate = new RunnerGate();
        factory.RunnerFor("cpu:0").Gate = gate;
        using var metrics = new ServingMetrics();
        using var engine = new DeviceEngine("cpu:0", factory, new EngineOptions { MaxQueueDelay = TimeSpan.Zero }, metrics);

        var job = Jobs.Job("a");
        var encode = engine.SubmitEncode(job, For("a"), CancellationToken.None);
        while (gate.Waiting == 0) await Task.Delay(5);            // the encode is running on the device thread
        var abandon = engine.AbandonEncode(job.JobId);             // queued as control work behind the running batch
        gate.Open();
        await encode;
        await abandon;
        Assert.Equal(0, engine.Snapshot().HeldContexts);

        // A later, unabandoned encode of another job keeps its context for its decode.
        await engine.SubmitEncode(Jobs.Job("b"), For("b"), CancellationToken.None);
        Assert.Equal(1, engine.Snapshot().HeldContexts);
    }
}
