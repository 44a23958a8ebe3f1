using FourM.Grains.Devices;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace FourM.Serving.Tests.Cluster;

/// <summary>
/// Silo metadata (the devices a silo owns) reaches the other silos' caches asynchronously after deployment: tests wait
/// until every silo sees one device per silo before they place anything.
/// </summary>
public static class DeviceAnnouncements
{
    public static async Task WaitAsync(InProcessTestCluster cluster)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var seen = cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<DeviceDirectory>().Devices().Count).ToList();
            if (seen.All(n => n >= cluster.Silos.Count)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"devices not announced: {string.Join(",", seen)}");
            await Task.Delay(50);
        }
    }
}
