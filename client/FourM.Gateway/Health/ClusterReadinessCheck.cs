using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FourM.Gateway.Health;

/// <summary>Ready when the cluster answers within the timeout with at least one active silo (the gateway is useless without it).</summary>
public sealed class ClusterReadinessCheck(IGrainFactory grains, IOptions<GatewayOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var silos = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)
                .WaitAsync(options.Value.ReadinessTimeout, cancellationToken);
            return silos.Count > 0
                ? HealthCheckResult.Healthy($"cluster reachable, {silos.Count} active silo(s)")
                : HealthCheckResult.Unhealthy("cluster reachable but no silo is active");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("cluster unreachable", ex);
        }
    }
}
