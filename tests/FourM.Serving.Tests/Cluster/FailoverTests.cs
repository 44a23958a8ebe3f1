using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Sessions;
using FourM.Serving.Tests.Fakes;
using Orleans.TestingHost;
using Xunit;

namespace FourM.Serving.Tests.Cluster;

/// <summary>
/// A session whose device's silo leaves mid-generation moves to the other silo's device and finishes with the same
/// tokens. Its own two-silo cluster (one silo is stopped) and a storage that outlives a silo, as a durable provider would.
/// </summary>
public sealed class FailoverTests : IAsyncLifetime
{
    private const string Device = DurableStorageCluster.Device;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    // Orleans places a new activation by the silos' load statistics, which refresh periodically: under a loaded test run,
    // back-to-back attempts all went to one silo (40 in 150 ms).
    private static readonly TimeSpan PlacementRetryDelay = TimeSpan.FromMilliseconds(50);
    private readonly Dictionary<string, FakeRunnerFactory> _factories = new(StringComparer.Ordinal);
    private readonly FixedLengthPlanner _planner = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await DurableStorageCluster.StartAsync(2, Factory, _planner, TimeSpan.FromMilliseconds(20));

    public async Task DisposeAsync()
    {
        foreach (var factory in _factories.Values) factory.RunnerFor(Device).Gate?.Open();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public Task A_session_whose_device_silo_leaves_mid_generation_finishes_on_another_device_with_the_same_tokens() =>
        FinishesElsewhereWhenItsDeviceSilo(_cluster.StopSiloAsync);

    [Fact]
    public Task A_session_whose_device_silo_dies_mid_generation_finishes_on_another_device_with_the_same_tokens() =>
        FinishesElsewhereWhenItsDeviceSilo(_cluster.KillSiloAsync);

    [Fact]
    public async Task A_session_pinned_to_a_device_does_not_move_when_its_silo_leaves()
    {
        foreach (var factory in _factories.Values) factory.RunnerFor(Device).Gate = new RunnerGate();
        var deviceSilo = _cluster.Silos[1];
        var request = Requests.TextToImage(43, "pinned-client", ServingMode.Fused, new DeviceAddress(deviceSilo.Name, Device).ToString());
        var (id, session) = await StartOnSiloOtherThan(deviceSilo.Name, request);
        var leavingGate = Factory(deviceSilo.Name).RunnerFor(Device).Gate!;
        await HoldAfterFirstStep(session, leavingGate);

        await TakeDownWhileHeld(deviceSilo, leavingGate, _cluster.StopSiloAsync);
        var result = await session.WaitForCompletion().WaitAsync(Patience);

        Assert.Equal(SessionPhase.Failed, result.Status.Phase);
        Assert.Equal(0, result.Status.Failovers);
        Assert.Contains("went away at step", result.Status.Error);
        Assert.Contains("pinned", result.Status.Error);
    }

    /// <param name="takeDown">Stops (graceful: the silo leaves) or kills (no goodbye) a silo.</param>
    private async Task FinishesElsewhereWhenItsDeviceSilo(Func<InProcessSiloHandle, Task> takeDown)
    {
        foreach (var factory in _factories.Values) factory.RunnerFor(Device).Gate = new RunnerGate();
        var (id, session, request, status) = await StartAwayFromItsDevice();
        var deviceSilo = _cluster.Silos.Single(s => s.Name == DeviceAddress.Parse(status.Device!).Silo);
        var survivor = _cluster.Silos.Single(s => s != deviceSilo);
        Factory(survivor.Name).RunnerFor(Device).Gate!.Open();
        var heldGate = Factory(deviceSilo.Name).RunnerFor(Device).Gate!;
        await HoldAfterFirstStep(session, heldGate);

        await TakeDownWhileHeld(deviceSilo, heldGate, takeDown);
        var result = await session.WaitForCompletion().WaitAsync(Patience);

        Assert.Equal(SessionPhase.Completed, result.Status.Phase);
        Assert.Equal(1, result.Status.Failovers);
        Assert.Equal(survivor.Name, DeviceAddress.Parse(result.Status.Device!).Silo);
        var expected = ReferenceGeneration.Run(_planner, new HashingFakeRunner(), request, id);
        foreach (var modality in expected.Modalities)
            Assert.Equal(modality.Tokens, result.Modalities.Single(m => m.Modality == modality.Modality).Tokens);
    }

    /// <summary>
    /// Takes the silo down while a session's step is held on its device. The gate opens just after, only because a silo's
    /// teardown waits for its engine thread.
    /// </summary>
    private static async Task TakeDownWhileHeld(InProcessSiloHandle silo, RunnerGate gate, Func<InProcessSiloHandle, Task> takeDown)
    {
        var down = takeDown(silo);
        await Task.Delay(100);
        gate.Open();
        await down;
    }

    /// <summary>Starts unpinned sessions until one's grain runs on a silo other than its device's (placement is random).</summary>
    private async Task<(string Id, IGenerationSessionGrain Session, SessionRequest Request, SessionStatus Status)> StartAwayFromItsDevice()
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var id = $"failover-{attempt}";
            var request = Requests.TextToImage(40 + attempt, $"failover-client-{attempt}", ServingMode.Colocated);
            var session = _cluster.Client.GetGrain<IGenerationSessionGrain>(id);
            var status = await session.Start(request);
            if (await HostOf(session) != DeviceAddress.Parse(status.Device!).Silo) return (id, session, request, status);
            await session.Cancel();
            await Task.Delay(PlacementRetryDelay);
        }
        throw new InvalidOperationException("no session landed away from its device in 40 attempts");
    }

    private async Task<(string Id, IGenerationSessionGrain Session)> StartOnSiloOtherThan(string silo, SessionRequest request)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            var id = $"pinned-{attempt}";
            var session = _cluster.Client.GetGrain<IGenerationSessionGrain>(id);
            await session.Start(request with { ClientId = $"pinned-client-{attempt}" });
            if (await HostOf(session) != silo) return (id, session);
            await session.Cancel();
            await Task.Delay(PlacementRetryDelay);
        }
        throw new InvalidOperationException("no session landed away from the pinned device's silo in 40 attempts");
    }

    private async Task<string> HostOf(IGenerationSessionGrain session)
    {
        var address = await _cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(session);
        return _cluster.Silos.Single(s => s.SiloAddress.Equals(address)).Name;
    }

    /// <summary>
    /// Lets batches through one at a time until the session has finished a step and its next one is held at the gate
    /// (batches of sessions cancelled while searching for a placement may be held there first).
    /// </summary>
    private static async Task HoldAfterFirstStep(IGenerationSessionGrain session, RunnerGate gate)
    {
        await WaitUntil(async () =>
        {
            if ((await session.GetStatus()).CompletedSteps >= 1) return gate.Waiting > 0;
            if (gate.Waiting > 0 && gate.Available == 0) gate.Release();
            return false;
        });
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(20);
        }
    }

    private FakeRunnerFactory Factory(string silo)
    {
        lock (_factories)
        {
            if (!_factories.TryGetValue(silo, out var factory)) _factories[silo] = factory = new FakeRunnerFactory();
            return factory;
        }
    }
}
