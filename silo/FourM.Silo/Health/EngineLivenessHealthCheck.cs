using System.Collections.Concurrent;
using FourM.Engine.Engine;
using FourM.Silo.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FourM.Silo.Health;

/// <summary>
/// Live unless a device engine is stuck: work queued or running, yet no batch finished for
/// <see cref="HealthOptions.EngineStallTimeout"/>. Reads local engine snapshots only (no grain calls), so a busy
/// cluster cannot make a healthy process look dead.
/// </summary>
public sealed class EngineLivenessHealthCheck(DeviceEngines engines, IOptions<HealthOptions> options, TimeProvider time) : IHealthCheck
{
    private readonly ConcurrentDictionary<string, (long Batches, DateTimeOffset Since)> _progress = new(StringComparer.Ordinal);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        foreach (var device in engines.Devices)
        {
            var load = engines.Get(device).Snapshot();
            var last = _progress.AddOrUpdate(device, _ => (load.Batches, now), (_, old) => old.Batches == load.Batches ? old : (load.Batches, now));
            bool busy = load.QueuedJobs > 0 || load.RunningJobs > 0;
            if (!busy) _progress[device] = (load.Batches, now);
            else if (now - last.Since > options.Value.EngineStallTimeout)
                return Task.FromResult(HealthCheckResult.Unhealthy(
                    $"{device}: {load.QueuedJobs} queued / {load.RunningJobs} running, no batch finished for {(now - last.Since).TotalSeconds:0} s"));
        }
        return Task.FromResult(HealthCheckResult.Healthy("engines making progress"));
    }
}
