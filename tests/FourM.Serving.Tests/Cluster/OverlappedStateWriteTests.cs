using FourM.Grains.Hosting;
using FourM.Grains.Interfaces.Sessions;
using FourM.Serving.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;
using Xunit;

namespace FourM.Serving.Tests.Cluster;

/// <summary>
/// A session's step k+1 goes to the device while step k's state write is still in flight, and the session never runs
/// further ahead than that; once the writes go through, every step is stored. One silo, a storage whose writes are held.
/// </summary>
public sealed class OverlappedStateWriteTests : IAsyncLifetime
{
    private const string Device = "cpu:0";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly FakeRunnerFactory _factory = new();
    private readonly FixedLengthPlanner _planner = new();
    private readonly string _store = Guid.NewGuid().ToString("N");
    private GatedGrainStorage _storage = null!;
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddFourMServing(o =>
            {
                o.Devices.Add(Device);
                o.UseInMemoryStorage = false;
                o.Engine.MaxQueueDelay = TimeSpan.FromMilliseconds(5);
                o.RunnerFactory = _ => _factory;
                o.Planner = _ => _planner;
            });
            silo.Services.AddGrainStorage(ServingStorage.Name, (sp, _) =>
                _storage = new GatedGrainStorage(new SharedGrainStorage(sp.GetRequiredService<DeepCopier>(), _store)));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        await DeviceAnnouncements.WaitAsync(_cluster);
    }

    public async Task DisposeAsync()
    {
        _storage.Release();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task The_next_step_runs_while_the_previous_steps_write_is_held_and_no_further()
    {
        var runner = _factory.RunnerFor(Device);
        using var gate = new RunnerGate();
        runner.Gate = gate;   // the device holds each batch until the test lets it through
        var id = Guid.NewGuid().ToString("N");
        var session = _cluster.Client.GetGrain<IGenerationSessionGrain>(id);
        var started = await session.Start(Requests.TextToImage(7, "overlap-client", ServingMode.Fused));
        Assert.Equal(SessionPhase.Running, started.Phase);
        Assert.True(started.TotalSteps >= 3);

        // From here every state write is held: step 1 runs, its write is held, and step 2 reaches the device anyway.
        _storage.Armed = true;
        gate.Open();
        await WaitUntil(() => runner.JobsOf(id) >= 2 && _storage.Held == 1);
        // Step 2's result waits behind step 1's write: the session goes no further while that write is held.
        await Task.Delay(300);
        Assert.Equal(2, runner.JobsOf(id));
        Assert.Equal(1, _storage.Held);
        Assert.Equal(1, (await session.GetStatus()).CompletedSteps);

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
