using FourM.Grains.Interfaces.Sessions;
using FourM.Serving.Tests.Fakes;
using Orleans.TestingHost;
using Xunit;

namespace FourM.Serving.Tests.Cluster;

/// <summary>
/// A session's next step goes to the device while the previous step's state write is still in flight: one step ahead with
/// per-step calls, a whole chain ahead in fused mode; either way the session applies each step only after the write before it,
/// and once the writes go through, every step is stored. One silo, a storage whose writes are held.
/// </summary>
public sealed class OverlappedStateWriteTests : IAsyncLifetime
{
    private const string Device = DurableStorageCluster.Device;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly FakeRunnerFactory _factory = new();
    private readonly FixedLengthPlanner _planner = new();
    private GatedGrainStorage _storage = null!;
    private RunnerGate? _gate;
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await DurableStorageCluster.StartAsync(1, _ => _factory, _planner, TimeSpan.FromMilliseconds(5),
            shared => _storage = new GatedGrainStorage(shared));

    public async Task DisposeAsync()
    {
        _storage.Release();
        await _cluster.DisposeAsync();
        _gate?.Dispose();
    }

    [Fact]
    public async Task Per_step_calls_run_the_next_step_while_the_previous_steps_write_is_held_and_no_further()
    {
        // Co-located mode sends one step per call: step 1 runs, its write is held, and step 2 reaches the device anyway.
        var (id, session, runner) = await StartHeld(ServingMode.Colocated);
        await WaitUntil(() => runner.JobsOf(id) >= 2 && _storage.Held == 1);
        // Step 2's result waits behind step 1's write: the session goes no further while that write is held.
        await Task.Delay(300);
        Assert.Equal(2, runner.JobsOf(id));
        Assert.Equal(1, _storage.Held);
        Assert.Equal(1, (await session.GetStatus()).CompletedSteps);
        await ReleaseAndComplete(id, session, runner);
    }

    [Fact]
    public async Task A_chain_keeps_the_device_going_while_a_write_is_held_and_the_session_applies_steps_in_write_order()
    {
        // Fused mode chains the image steps on the engine: the device runs on while step 1's write is held, but the session
        // applies (and stores) step 2 only after that write, one write at a time.
        var (id, session, runner) = await StartHeld(ServingMode.Fused);
        await WaitUntil(() => runner.JobsOf(id) >= 3 && _storage.Held == 1);
        await Task.Delay(300);
        Assert.Equal(1, _storage.Held);
        Assert.Equal(1, (await session.GetStatus()).CompletedSteps);
        await ReleaseAndComplete(id, session, runner);
    }

    /// <summary>Starts a session, then holds every state write from its first step on.</summary>
    private async Task<(string Id, IGenerationSessionGrain Session, HashingFakeRunner Runner)> StartHeld(ServingMode mode)
    {
        var runner = _factory.RunnerFor(Device);
        var gate = _gate = new RunnerGate();
        runner.Gate = gate;   // the device holds each batch until the test lets it through
        var id = Guid.NewGuid().ToString("N");
        var session = _cluster.Client.GetGrain<IGenerationSessionGrain>(id);
        var started = await session.Start(Requests.TextToImage(7, "overlap-client", mode));
        Assert.Equal(SessionPhase.Running, started.Phase);
        Assert.True(started.TotalSteps >= 3);
        _storage.Armed = true;
        gate.Open();
        return (id, session, runner);
    }

    private async Task ReleaseAndComplete(string id, IGenerationSessionGrain session, HashingFakeRunner runner)
    {
        _storage.Release();
        var result = await session.WaitForCompletion().WaitAsync(Patience);
        Assert.Equal(SessionPhase.Completed, result.Status.Phase);
        Assert.Equal(result.Status.TotalSteps, result.Status.CompletedSteps);
        Assert.Equal(result.Status.TotalSteps, runner.JobsOf(id));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(10);
        }
    }
}
