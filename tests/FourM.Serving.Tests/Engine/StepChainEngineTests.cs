using FourM.Engine.Batching;
using FourM.Engine.Engine;
using FourM.Engine.Metrics;
using FourM.Generation.Batching;
using FourM.Serving.Tests.Fakes;
using Xunit;

namespace FourM.Serving.Tests.Engine;

/// <summary>Engine-side step chains: each step runs on its predecessor's result, is queued before the next batch forms, and
/// cancellation drops what has not run.</summary>
public sealed class StepChainEngineTests
{
    private static JobScheduling For(string session) => new(session, "m", 1, null);

    private static StepChain Chain(DeviceEngine engine, string session, int steps, CancellationToken cancellationToken = default) =>
        engine.SubmitStepChain(
            Enumerable.Range(0, steps).Select(step => Jobs.Job(session, step)).ToList(),
            Enumerable.Range(0, steps).Select(_ => For(session)).ToList(),
            cancellationToken);

    private static async Task<List<StepResult>> Drain(StepChain chain)
    {
        var results = new List<StepResult>();
        await foreach (var (result, _) in chain.Results.ReadAllAsync()) results.Add(result);
        return results;
    }

    [Fact]
    public async Task Each_step_runs_on_the_state_the_step_before_it_produced()
    {
        var factory = new FakeRunnerFactory();
        using var metrics = new ServingMetrics();
        using var engine = new DeviceEngine("cpu:0", factory, new EngineOptions { MaxQueueDelay = TimeSpan.Zero }, metrics);

        var chained = await Drain(Chain(engine, "a", 2));

        // The same steps one by one, each fed the previous result by hand.
        var reference = new HashingFakeRunner();
        var first = reference.RunBatch([Jobs.Job("a", 0)]).Single();
        var second = reference.RunBatch([Jobs.Job("a", 1) with { State = first.State }]).Single();
        Assert.Equal(["a#0", "a#1"], chained.Select(r => r.JobId));
        Assert.Equal(first.State["tok_rgb@224"].Tokens, chained[0].State["tok_rgb@224"].Tokens);
        Assert.Equal(second.State["tok_rgb@224"].Tokens, chained[1].State["tok_rgb@224"].Tokens);
        Assert.Equal(first.TokensUnmasked + second.TokensUnmasked, chained.Sum(r => r.TokensUnmasked));
        Assert.All(chained[1].State["tok_rgb@224"].TargetMask, Assert.True);   // both steps' tokens are in
    }

    [Fact]
    public async Task The_next_steps_of_chains_are_queued_before_the_next_batch_forms()
    {
        using var device = new BlockedDevice();
        var a = Chain(device.Engine, "a", 2);
        var b = Chain(device.Engine, "b", 2);
        await device.Unblock();
        await Task.WhenAll(Drain(a), Drain(b));

        // Submitted step by step from outside, each second step would reach an idle device alone.
        Assert.Equal([1, 2, 2], device.Runner.BatchSizes);
    }

    [Fact]
    public async Task Cancelling_a_chain_drops_its_queued_step_and_ends_its_results_cancelled()
    {
        using var device = new BlockedDevice();
        using var cancellation = new CancellationTokenSource();
        var chain = Chain(device.Engine, "a", 2, cancellation.Token);
        Assert.Equal(1, device.Engine.Snapshot().QueuedJobs);

        cancellation.Cancel();
        Assert.Equal(0, device.Engine.Snapshot().QueuedJobs);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chain.Results.Completion);
        Assert.True(chain.Ended);
        await device.Unblock();
        Assert.Equal(0, device.Runner.JobsOf("a"));
    }

    /// <summary>
    /// An engine that takes whatever is queued when its device is free (no barrier, no wait for companions), with a first job
    /// held on the device so that the test can queue work behind it.
    /// </summary>
    private sealed class BlockedDevice : IDisposable
    {
        private readonly RunnerGate _gate = new();
        private readonly ServingMetrics _metrics = new();
        private readonly Task _blocker;

        public BlockedDevice()
        {
            var factory = new FakeRunnerFactory();
            Runner = factory.RunnerFor("cpu:0");
            Runner.Gate = _gate;
            Engine = new DeviceEngine("cpu:0", factory, new EngineOptions { MaxQueueDelay = TimeSpan.Zero }, _metrics);
            _blocker = Engine.SubmitStep(Jobs.Job("blocker"), For("blocker"), CancellationToken.None);
            while (_gate.Waiting == 0) Thread.Sleep(5);
        }

        public HashingFakeRunner Runner { get; }
        public DeviceEngine Engine { get; }

        public async Task Unblock()
        {
            _gate.Open();
            await _blocker;
        }

        public void Dispose()
        {
            _gate.Open();
            Engine.Dispose();
            _metrics.Dispose();
            _gate.Dispose();
        }
    }

    [Fact]
    public void A_chain_of_several_sessions_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new StepChain([Jobs.Job("a", 0), Jobs.Job("b", 1)], [For("a"), For("b")]));
        Assert.Contains("one session and model", error.Message);
    }
}
