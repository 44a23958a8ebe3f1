using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FourM.Silo.Health;

/// <summary>
/// Logs each health check's changes of status, once per change, from periodic reports. The framework logs every probe
/// that finds a check unhealthy as an error, so a silo loading its models (not ready for minutes) or draining (not ready
/// by design) filled its log with errors at the probes' rate; the silo silences that category and logs transitions here:
/// a check that turns unhealthy or degraded as a warning, with its reason; its recovery as information.
/// </summary>
public sealed class HealthTransitionLogger(ILogger<HealthTransitionLogger> logger) : IHealthCheckPublisher
{
    private readonly Dictionary<string, HealthStatus> _last = new(StringComparer.Ordinal);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        lock (_last)
        {
            foreach (var (name, entry) in report.Entries)
            {
                var known = _last.TryGetValue(name, out var previous);
                _last[name] = entry.Status;
                if (known ? previous == entry.Status : entry.Status == HealthStatus.Healthy) continue;
                if (entry.Status == HealthStatus.Healthy)
                    logger.LogInformation("Health check {Check} is healthy again (was {Previous})", name, previous);
                else
                    logger.LogWarning(entry.Exception, "Health check {Check} is {Status}: {Reason}", name, entry.Status, entry.Description ?? entry.Exception?.Message);
            }
        }
        return Task.CompletedTask;
    }
}
