using FourM.Engine.Engine;
using FourM.Grains.Interfaces.Registry;
using FourM.Silo.Configuration;
using FourM.Silo.Health;
using Microsoft.Extensions.Options;

namespace FourM.Silo.Lifecycle;

/// <summary>
/// Graceful shutdown, before Orleans stops: readiness turns false, new sessions and admissions on this silo are
/// refused (<see cref="DrainingCallFilter"/>), the silo leaves the model registry, and shutdown waits (up to
/// <see cref="SiloHostOptions.DrainTimeout"/>) until its devices have no active session and no queued or running work.
/// </summary>
public sealed class DrainService(
    SiloHealthState health,
    DeviceEngines engines,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<SiloHostOptions> options,
    ILogger<DrainService> logger) : IHostedLifecycleService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        health.MarkDraining();
        try
        {
            await grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey).UnregisterSilo(silo.Name).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException) { logger.LogWarning(ex, "Could not leave the model registry"); }

        var deadline = DateTime.UtcNow + options.Value.DrainTimeout;
        while (Busy() is { } busy)
        {
            if (DateTime.UtcNow >= deadline || cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Drain timed out with work left: {Busy}", busy);
                return;
            }
            logger.LogInformation("Draining: {Busy}", busy);
            try { await Task.Delay(PollInterval, cancellationToken); }
            catch (OperationCanceledException) { return; }
        }
        logger.LogInformation("Drained: no active session on this silo's devices");
    }

    private string? Busy()
    {
        var busy = engines.Devices.Select(d => engines.Get(d).Snapshot())
            .Where(l => l.ActiveSessions > 0 || l.QueuedJobs > 0 || l.RunningJobs > 0)
            .Select(l => $"{l.Device}: {l.ActiveSessions} sessions, {l.QueuedJobs} queued, {l.RunningJobs} running")
            .ToList();
        return busy.Count == 0 ? null : string.Join("; ", busy);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
