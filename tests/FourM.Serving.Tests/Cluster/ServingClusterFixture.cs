using FourM.Grains.Hosting;
using FourM.Grains.Interfaces.Devices;
using FourM.Serving.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;

namespace FourM.Serving.Tests.Cluster;

/// <summary>
/// Two silos (in-memory transport), each owning one device <c>cpu:0</c> served by a <see cref="HashingFakeRunner"/>.
/// Small admission limits so that the rejection tests reach them quickly.
/// </summary>
public sealed class ServingClusterFixture : IAsyncLifetime
{
    public const string Device = "cpu:0";
    public const string Model = "fake";
    public const int MaxActiveSessionsPerDevice = 6;
    public const int MaxSessionsPerClient = 3;

    private readonly Dictionary<string, FakeRunnerFactory> _factories = new(StringComparer.Ordinal);

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public FixedLengthPlanner Planner { get; } = new();
    public IClusterClient Client => Cluster.Client;

    public IReadOnlyList<string> SiloNames => Cluster.Silos.Select(s => s.Name).ToList();

    public HashingFakeRunner RunnerOn(string silo) => Factory(silo).RunnerFor(Device);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((siloOptions, silo) =>
        {
            var factory = Factory(siloOptions.SiloName);
            silo.AddFourMServing(o =>
            {
                o.Devices.Add(Device);
                o.Engine.MaxActiveSessions = MaxActiveSessionsPerDevice;
                o.Engine.MaxQueueDelay = TimeSpan.FromMilliseconds(20);
                o.MaxSessionsPerClient = MaxSessionsPerClient;
                o.RunnerFactory = _ => factory;
                o.Planner = _ => Planner;
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await DeviceAnnouncements.WaitAsync(Cluster);
    }

    public DeviceAddress DeviceOn(string silo) => new(silo, Device);

    private FakeRunnerFactory Factory(string silo)
    {
        lock (_factories)
        {
            if (!_factories.TryGetValue(silo, out var factory)) _factories[silo] = factory = new FakeRunnerFactory();
            return factory;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in SiloNames) RunnerOn(silo).Gate?.Open();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ServingClusterCollection : ICollectionFixture<ServingClusterFixture>
{
    public const string Name = "serving cluster";
}
