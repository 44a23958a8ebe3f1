using FourM.Engine.Admission;
using FourM.Engine.Batching;
using FourM.Engine.Engine;
using FourM.Engine.Metrics;
using FourM.Serving.Tests.Fakes;
using Xunit;

namespace FourM.Serving.Tests.Engine;

public sealed class DeviceEngineTests
{
    private static JobScheduling For(string session) => new(session, "m", 1, null);

    [Fact]
    public async Task A_full_queue_rejects_and_nothing_is_queued()
    {
        var factory = new FakeRunnerFactory();
        using var gate = new RunnerGate();
        factory.RunnerFor("cpu:0").Gate = gate;
        using var metrics = new ServingMetrics();
        using var engine = new DeviceEngine("cpu:0", factory, new EngineOptions { MaxQueuedJobs = 1, MaxQueueDelay = TimeSpan.Zero }, metrics);

        var running = engine.SubmitStep(Jobs.Job("a"), For("a"), CancellationToken.None);
        while (gate.Waiting == 0) await Task.Delay(5);           // 'a' is on the device, the queue is empty
        var queued = engine.SubmitStep(Jobs.Job("b"), For("b"), CancellationToken.None);
        var rejected = Assert.Throws<EngineRejectedException>(() => { _ = engine.SubmitStep(Jobs.Job("c"), For("c"), CancellationToken.None); });

        Assert.Equal(EngineRejection.QueueFull, rejected.Reason);
        Assert.True(rejected.RetryAfter > TimeSpan.Zero);
        Assert.Equal(1, engine.Snapshot().QueuedJobs);
        gate.Open();
        await Task.WhenAll(running, queued);
        Assert.Equal(0, factory.RunnerFor("cpu:0").JobsOf("c"));
    }

    [Fact]
    public async Task Cancelling_a_queued_job_removes_it_and_completes_it_cancelled()
    {
        var factory = new FakeRunnerFactory();
        using var gate = new RunnerGate();
        factory.RunnerFor("cpu:0").Gate = gate;
        using var metrics = new ServingMetrics();
        using var engine = new DeviceEngine("cpu:0", factory, new EngineOptions { MaxQueueDelay = TimeSpan.Zero }, metrics);

        var running = engine.SubmitStep(Jobs.Job("a"), For("a"), CancellationToken.None);
        while (gate.Waiting == 0) await Task.Delay(5);
        using var cancellation = new CancellationTokenSource();
        var queued = engine.SubmitStep(Jobs.Job("b"), For("b"), cancellation.Token);
        Assert.Equal(1, engine.Snapshot().QueuedJobs);

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal(0, engine.Snapshot().QueuedJobs);
        gate.Open();
        await running;
        Assert.Equal(0, factory.RunnerFor("cpu:0").JobsOf("b"));
    }

    [Fact]
    public async Task A_jobs_result_does_not_depend_on_its_batch_companions()
    {
        var factory = new FakeRunnerFactory();
        using var metrics = new ServingMetrics();
        using var engine = new DeviceEngine("cpu:0", factory, new EngineOptions { MaxQueueDelay = TimeSpan.FromMilliseconds(50) }, metrics);
        engine.RegisterSession("x", "m");
        engine.RegisterSession("y", "m");

        var together = await Task.WhenAll(engine.SubmitStep(Jobs.Job("x", 3), For("x"), default), engine.SubmitStep(Jobs.Job("y", 4), For("y"), default));
        var alone = new HashingFakeRunner().RunBatch([Jobs.Job("x", 3)]).Single();

        Assert.Equal(2, together[0].Timing.BatchRows);
        Assert.Equal(alone.State["tok_rgb@224"].Tokens, together[0].Result.State["tok_rgb@224"].Tokens);
    }
}
