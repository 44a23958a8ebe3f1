using FourM.Grains.Hosting;
using FourM.Grains.Sessions;
using FourM.Serving.Tests.Fakes;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FourM.Serving.Tests.Cluster;

/// <summary>
/// An in-process cluster whose silos each serve one fake device (<c>cpu:0</c>) and keep sessions in a grain storage the test
/// supplies instead of the in-memory default: one that outlives a silo, holds writes or records them.
/// </summary>
public static class DurableStorageCluster
{
    public const string Device = "cpu:0";

    /// <param name="factoryFor">The fake runner factory of the silo with the given name.</param>
    /// <param name="storage">The sessions' grain storage, built once per silo from its services.</param>
    public static async Task<InProcessTestCluster> StartAsync(short silos, Func<string, FakeRunnerFactory> factoryFor, ISessionPlanner planner,
        Func<IServiceProvider, IGrainStorage> storage, TimeSpan maxQueueDelay)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((siloOptions, silo) =>
        {
            var factory = factoryFor(siloOptions.SiloName);
            silo.AddFourMServing(o =>
            {
                o.Devices.Add(Device);
                o.UseInMemoryStorage = false;
                o.Engine.MaxQueueDelay = maxQueueDelay;
                o.RunnerFactory = _ => factory;
                o.Planner = _ => planner;
            });
            silo.Services.AddGrainStorage(ServingStorage.Name, (sp, _) => storage(sp));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        await DeviceAnnouncements.WaitAsync(cluster);
        return cluster;
    }
}
