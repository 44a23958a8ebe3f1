using System.Diagnostics;
using FourM.Engine.Batching;
using FourM.Engine.Engine;
using FourM.Engine.Metrics;
using FourM.Serving.Tests.Fakes;
using Xunit;

namespace FourM.Serving.Tests.Engine;

/// <summary>Step alignment in the running engine: a held step is woken by its laggard's catch-up or by its budget.</summary>
public sealed class StepAlignmentEngineTests
{
    private const string Shape = "tok_rgb@224:Roar:8";

    private static JobScheduling At(string session, int step) => new(session, "m", 1, null, JobScheduling.NoSequenceAhead, new PlanProgress(Shape, step));

    private static DeviceEngine Engine(FakeRunnerFactory factory, ServingMetrics metrics, TimeSpan budget) =>
        new("cpu:0", factory, new EngineOptions { MaxQueueDelay = TimeSpan.Zero, StepAlignmentBudget = budget, StepAlignmentWindow = 8 }, metrics);

    [Fact]
    public async Task A_held_step_runs_in_the_same_batch_as_the_laggard_that_caught_up()
    {
        var factory = new FakeRunnerFactory();
        using var metrics = new ServingMetrics();
        using var engine = Engine(factory, metrics, TimeSpan.FromSeconds(30));
        engine.RegisterSession("leader", "m");
        engine.RegisterSession("laggard", "m");

        var laggardFirst = await engine.SubmitStep(Jobs.Job("laggard", 0), At("laggard", 0), default);
        var leader = engine.SubmitStep(Jobs.Job("leader", 2), At("leader", 2), default);
        var laggardSecond = await engine.SubmitStep(Jobs.Job("laggard", 1), At("laggard", 1), default);
        Assert.False(leader.IsCompleted);

        var laggardThird = engine.SubmitStep(Jobs.Job("laggard", 2), At("laggard", 2), default);
        var together = await Task.WhenAll(leader, laggardThird).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, laggardFirst.Timing.BatchRows);
        Assert.Equal(1, laggardSecond.Timing.BatchRows);
        Assert.All(together, outcome => Assert.Equal(2, outcome.Timing.BatchRows));
        // Alignment changes when a step runs, never what it computes.
        Assert.Equal(new HashingFakeRunner().RunBatch([Jobs.Job("leader", 2)]).Single().State.Modalities[1].Tokens, together[0].Result.State.Modalities[1].Tokens);
    }

    [Fact]
    public async Task A_held_step_runs_when_its_budget_is_spent_even_if_the_laggard_never_comes()
    {
        var factory = new FakeRunnerFactory();
        using var metrics = new ServingMetrics();
        var budget = TimeSpan.FromMilliseconds(150);
        using var engine = Engine(factory, metrics, budget);
        engine.RegisterSession("leader", "m");
        engine.RegisterSession("stalled", "m");

        await engine.SubmitStep(Jobs.Job("stalled", 0), At("stalled", 0), default);
        var clock = Stopwatch.StartNew();
        var leader = await engine.SubmitStep(Jobs.Job("leader", 3), At("leader", 3), default).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(clock.Elapsed, budget - TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(5));
        Assert.True(leader.Timing.Queue >= budget - TimeSpan.FromMilliseconds(5));
        Assert.Equal(1, leader.Timing.BatchRows);
    }
}
