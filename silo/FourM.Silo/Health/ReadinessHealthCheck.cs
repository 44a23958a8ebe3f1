using FourM.Engine.Engine;
using FourM.Grains.Hosting;
using FourM.Silo.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FourM.Silo.Health;

/// <summary>Ready: started, not draining, and every local device's queue and session count below their caps.</summary>
public sealed class ReadinessHealthCheck(SiloHealthState state, DeviceEngines engines, FourMServingOptions serving, IOptions<HealthOptions> health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!state.Started) return Task.FromResult(HealthCheckResult.Unhealthy("not started"));
        if (state.Draining) return Task.FromResult(HealthCheckResult.Unhealthy("draining"));
        var queueCap = Math.Max(1, (int)(serving.Engine.MaxQueuedJobs * health.Value.ReadyQueueFraction));
        foreach (var device in engines.Devices)
        {
            var load = engines.Get(device).Snapshot();
            if (load.QueuedJobs >= queueCap)
                return Task.FromResult(HealthCheckResult.Unhealthy($"{device}: {load.QueuedJobs} queued jobs (not ready from {queueCap})"));
            if (load.ActiveSessions >= serving.Engine.MaxActiveSessions)
                return Task.FromResult(HealthCheckResult.Unhealthy($"{device}: {load.ActiveSessions} active sessions (limit {serving.Engine.MaxActiveSessions})"));
        }
        return Task.FromResult(HealthCheckResult.Healthy($"{engines.Devices.Count} device(s) accepting work"));
    }
}
