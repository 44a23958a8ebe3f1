using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FourM.Silo.Health;

/// <summary>Started: every configured model is loaded on every local device and its warm-up generation completed.</summary>
public sealed class StartupHealthCheck(SiloHealthState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.StartupFailure is { } failure ? HealthCheckResult.Unhealthy($"warm-up failed: {failure}")
            : state.Started ? HealthCheckResult.Healthy("models loaded and warmed up")
            : HealthCheckResult.Unhealthy("loading models / warming up"));
}
