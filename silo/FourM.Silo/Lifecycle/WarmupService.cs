using FourM.Grains.Hosting;
using FourM.Grains.Interfaces.Registry;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Registry;
using FourM.Silo.Configuration;
using FourM.Silo.Health;
using Microsoft.Extensions.Options;

namespace FourM.Silo.Lifecycle;

/// <summary>
/// After the silo is up: fetches every configured model, runs one warm-up generation per model on each local device
/// (which loads the weights on the device's engine thread) and then the warm-up burst (CUDA devices by default:
/// <see cref="WarmupBurst"/>), registers the deployments with the model registry, and marks the silo started. Then re-registers periodically so the registry survives its own restarts.
/// </summary>
public sealed class WarmupService(
    IHostApplicationLifetime lifetime,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    ModelCatalog catalog,
    IModelLoader loader,
    FourMServingOptions serving,
    IOptions<WarmupOptions> warmup,
    SiloHealthState health,
    ILogger<WarmupService> logger) : BackgroundService
{
    public static readonly TimeSpan RegistrationPeriod = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitForStartAsync(stoppingToken)) return;
        List<ModelDeployment> deployments;
        try
        {
            deployments = await WarmUpAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Warm-up failed; the silo stays not-started");
            health.MarkStartupFailed($"{ex.GetType().Name}: {ex.Message}");
            return;
        }
        health.MarkStarted();
        logger.LogInformation("Silo {Silo} started: {Count} model deployment(s) warm ({Keys})", silo.Name, deployments.Count,
            string.Join(", ", deployments.Select(d => $"{d.Model.Key} on {d.Device}")));

        using var timer = new PeriodicTimer(RegistrationPeriod);
        while (!health.Draining && await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default))
        {
            if (health.Draining) break;
            try { await RegisterAsync(deployments); }
            catch (Exception ex) { logger.LogWarning(ex, "Re-registering with the model registry failed; will retry"); }
        }
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var cancel = stoppingToken.Register(() => started.TrySetCanceled());
        try { await started.Task; return true; }
        catch (OperationCanceledException) { return false; }
    }

    private async Task<List<ModelDeployment>> WarmUpAsync(CancellationToken cancellationToken)
    {
        var deployments = new List<ModelDeployment>();
        foreach (var model in catalog.Models)
        {
            logger.LogInformation("Preparing model {Model} from {Source}", model.Key, model.Source);
            var directory = await catalog.DirectoryAsync(model, cancellationToken);
            var descriptor = new ModelDescriptor
            {
                Id = model.Id, Version = model.Version, DType = model.DType, Source = model.Source,
                Modalities = loader.Modalities(model, directory).ToArray(),
            };
            foreach (var device in serving.Devices)
            {
                if (warmup.Value.Enabled)
                {
                    await RunWarmupAsync(model, device, cancellationToken);
                    await RunBurstAsync(model, descriptor.Modalities, device, cancellationToken);
                }
                deployments.Add(new ModelDeployment { Model = descriptor, Silo = silo.Name, Device = device, RegisteredAt = DateTimeOffset.UtcNow, Numerics = model.NumericsOn(device) });
            }
        }
        await RegisterAsync(deployments);
        return deployments;
    }

    private async Task RunWarmupAsync(ModelEntry model, string device, CancellationToken cancellationToken)
    {
        var options = warmup.Value;
        var sessionId = $"warmup-{silo.Name}-{device}-{model.Key}-{Guid.NewGuid():N}";
        var request = new SessionRequest
        {
            ModelId = model.Key,
            Inputs =
            [
                string.IsNullOrEmpty(options.InputText)
                    ? new ModalityInput { Modality = options.InputModality, Tokens = Enumerable.Repeat(options.InputTokenId, options.InputTokenCount).ToArray() }
                    : new ModalityInput { Modality = options.InputModality, Text = options.InputText },
            ],
            Targets = [new TargetSchedule { Modality = options.TargetModality, DecodingSteps = options.Steps }],
            Seed = 0,
            ClientId = "fourm-warmup",
            Priority = ServingPriority.Interactive,
            Mode = ServingMode.Fused,
            Device = $"{silo.Name}/{device}",
        };
        var started = DateTime.UtcNow;
        var session = grains.GetGrain<IGenerationSessionGrain>(sessionId);
        await session.Start(request, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var result = await session.WaitForCompletion(timeout.Token);
        if (result.Status.Phase != SessionPhase.Completed)
            throw new InvalidOperationException($"warm-up of {model.Key} on {device} ended {result.Status.Phase}: {result.Status.Error}");
        logger.LogInformation("Warm-up of {Model} on {Device} completed in {Seconds:0.0} s", model.Key, device, (DateTime.UtcNow - started).TotalSeconds);
    }

    private async Task RunBurstAsync(ModelEntry model, IReadOnlyCollection<string> modalities, string device, CancellationToken cancellationToken)
    {
        var options = warmup.Value;
        var requests = WarmupBurst.Requests(model.Key, modalities, $"{silo.Name}/{device}", options.BurstSessionsOn(device), options.BurstImageSteps);
        if (requests.Count == 0) return;
        var started = DateTime.UtcNow;
        var batch = Guid.NewGuid().ToString("N");
        var sessions = new List<IGenerationSessionGrain>();
        foreach (var request in requests)
        {
            var session = grains.GetGrain<IGenerationSessionGrain>($"warmup-burst-{silo.Name}-{device}-{model.Key}-{batch}-{sessions.Count}");
            await session.Start(request, cancellationToken);
            sessions.Add(session);
            await Task.Delay(options.BurstStagger, cancellationToken);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        var results = await Task.WhenAll(sessions.Select(s => s.WaitForCompletion(timeout.Token)));
        if (results.FirstOrDefault(r => r.Status.Phase != SessionPhase.Completed) is { } failed)
            throw new InvalidOperationException($"warm-up burst of {model.Key} on {device}: a session ended {failed.Status.Phase}: {failed.Status.Error}");
        logger.LogInformation("Warm-up burst of {Count} sessions of {Model} on {Device} completed in {Seconds:0.0} s", requests.Count, model.Key, device,
            (DateTime.UtcNow - started).TotalSeconds);
    }

    private Task RegisterAsync(IEnumerable<ModelDeployment> deployments) =>
        Task.WhenAll(deployments.Select(d => grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey)
            .Register(d with { RegisteredAt = DateTimeOffset.UtcNow })));
}
