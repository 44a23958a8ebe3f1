using System.Runtime.CompilerServices;
using FourM.Grains.Hosting;
using FourM.Grains.Sessions;
using FourM.Serving.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace FourM.Serving.Tests.Cluster;

/// <summary>
/// An in-process cluster whose silos each serve one fake device (<c>cpu:0</c>) and keep sessions in a storage that outlives a
/// silo (<see cref="SharedGrainStorage"/>, a store of its own per cluster) instead of the in-memory default; a test may wrap it
/// to hold or record writes.
/// </summary>
public static class DurableStorageCluster
{
    public const string Device = "cpu:0";

    /// <param name="factoryFor">The fake runner factory of the silo with the given name.</param>
    /// <param name="wrap">Wraps each silo's storage (holds or records writes); null: the shared storage itself.</param>
    public static async Task<InProcessTestCluster> StartAsync(short silos, Func<string, FakeRunnerFactory> factoryFor, ISessionPlanner planner,
        TimeSpan maxQueueDelay, Func<IGrainStorage, IGrainStorage>? wrap = null)
    {
        var store = Guid.NewGuid().ToString("N");
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
            silo.Services.AddGrainStorage(ServingStorage.Name, (sp, _) =>
            {
                var shared = new SharedGrainStorage(sp.GetRequiredService<DeepCopier>(), store);
                return wrap is null ? shared : wrap(shared);
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        await DeviceAnnouncements.WaitAsync(cluster);
        Stores.AddOrUpdate(cluster, store);
        return cluster;
    }

    /// <summary>The cluster's storage, as a test writes to it directly (a record stored by an earlier version).</summary>
    public static SharedGrainStorage StorageOf(InProcessTestCluster cluster) =>
        new(cluster.Silos[0].ServiceProvider.GetRequiredService<DeepCopier>(), Stores.TryGetValue(cluster, out var store)
            ? store : throw new InvalidOperationException("not a cluster of DurableStorageCluster"));

    private static readonly ConditionalWeakTable<InProcessTestCluster, string> Stores = new();
}
