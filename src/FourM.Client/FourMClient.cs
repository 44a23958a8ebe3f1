using System.Runtime.CompilerServices;
using FourM.Client.Contracts;
using FourM.Client.Outputs;
using FourM.Grains.Interfaces.Admission;
using FourM.Grains.Interfaces.Registry;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Client;

/// <summary>
/// Typed access to the serving cluster: start sessions, watch their steps, cancel them and read their outputs.
/// Rejections surface as <see cref="GenerationRejectedException"/> (with the retry delay), unknown sessions as
/// <see cref="SessionNotFoundException"/>, malformed requests as <see cref="InvalidGenerationRequestException"/>.
/// </summary>
public sealed class FourMClient(IGrainFactory grains, FourMClientOptions options, OutputRenderers? renderers = null)
{
    private readonly OutputRenderers _renderers = renderers ?? OutputRenderers.None;

    public FourMClientOptions Options => options;
    public OutputRenderers Renderers => _renderers;

    /// <summary>Validates and starts a session; returns its id and first status without waiting for any step.</summary>
    /// <param name="clientId">The caller for per-client caps; null: <see cref="FourMClientOptions.ClientId"/>.</param>
    public async Task<SessionStatus> CreateSessionAsync(GenerationRequest request, string? sessionId = null, string? clientId = null, CancellationToken cancellationToken = default)
    {
        var sessionRequest = GenerationRequestMapper.ToSessionRequest(request, options.DefaultModel, clientId ?? options.ClientId, options.Limits);
        if (options.PinModelVersions) sessionRequest = sessionRequest with { ModelId = await PinAsync(sessionRequest.ModelId) };
        return await StartAsync(sessionRequest, sessionId, cancellationToken);
    }

    /// <summary>
    /// Starts a session from an already-built grain request; a rejection for now is retried within
    /// <see cref="FourMClientOptions.RetryRejectedStartsFor"/> (<see cref="RejectedStartRetry"/>; a rejected session stays
    /// unstarted, so the same id is reused).
    /// </summary>
    public Task<SessionStatus> StartAsync(SessionRequest request, string? sessionId = null, CancellationToken cancellationToken = default)
    {
        var id = sessionId ?? NewSessionId();
        return RejectedStartRetry.RunAsync(() => StartOnceAsync(request, id, cancellationToken), options.RetryRejectedStartsFor,
            cancellationToken: cancellationToken);
    }

    private async Task<SessionStatus> StartOnceAsync(SessionRequest request, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await Session(id).Start(request, cancellationToken);
        }
        catch (ServingRejectedException rejected)
        {
            throw new GenerationRejectedException(rejected.Reason.ToString(), rejected.RetryAfter, rejected.Message, rejected);
        }
        catch (Exception invalid) when (IsPlanError(invalid))
        {
            // The silo's planner found the request impossible (unknown modality, wrong token count…): a caller error.
            throw new InvalidGenerationRequestException(new Dictionary<string, string[]> { ["request"] = [invalid.Message] });
        }
    }

    /// <summary>Model versions loaded in the cluster, per silo and device.</summary>
    public Task<ModelDeployment[]> ListModelsAsync() => Registry.List();

    /// <summary>
    /// <c>{id}</c> → <c>{id}@{newest loaded version}</c>, so the session keeps one version even if a newer one is
    /// rolled out meanwhile; keys that already name a version, or that no silo registered, are returned unchanged.
    /// </summary>
    public async Task<string> PinAsync(string modelKey)
    {
        if (ModelKey.Parse(modelKey).Version is not null) return modelKey;
        return (await Registry.Resolve(modelKey))?.Key ?? modelKey;
    }

    private IModelRegistryGrain Registry => grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey);

    public async Task<SessionStatus> GetStatusAsync(string sessionId)
    {
        var status = await Session(sessionId).GetStatus();
        return IsUnstarted(status) ? throw new SessionNotFoundException(sessionId) : status;
    }

    /// <summary>
    /// The session's current status, then one update per step until it ends. A step may outlast the call timeout (an
    /// autoregressive caption is one long step) and a session may move between activations: the watch then resumes,
    /// starting again with the current status (an update that fell between the two watches is folded into it).
    /// </summary>
    public async IAsyncEnumerable<StepUpdate> WatchAsync(string sessionId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await GetStatusAsync(sessionId);
        while (true)
        {
            var updates = Session(sessionId).Watch(cancellationToken).WithBatchSize(1).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    StepUpdate update;
                    try
                    {
                        if (!await updates.MoveNextAsync()) yield break;
                        update = updates.Current;
                    }
                    catch (Exception ex) when (ex is TimeoutException or EnumerationAbortedException && !cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }
                    yield return update;
                    if (IsFinal(update.Phase)) yield break;
                }
            }
            finally
            {
                await DisposeQuietlyAsync(updates);
            }
        }
    }

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<StepUpdate> updates)
    {
        try { await updates.DisposeAsync(); }
        catch (Exception ex) when (ex is TimeoutException or EnumerationAbortedException or OrleansException) { }
    }

    public async Task<SessionStatus> CancelAsync(string sessionId)
    {
        await GetStatusAsync(sessionId);
        return await Session(sessionId).Cancel();
    }

    /// <summary>The tokens so far (final once the session completed).</summary>
    public async Task<GenerationResult> GetResultAsync(string sessionId)
    {
        var result = await Session(sessionId).GetResult();
        return IsUnstarted(result.Status) ? throw new SessionNotFoundException(sessionId) : new GenerationResult(result, _renderers);
    }

    /// <summary>
    /// An image modality rendered as a PNG by the serving silos (detokenized on the session's device, seeded with the
    /// session seed; <paramref name="diffusionSteps"/> null: the silos' default). Throws
    /// <see cref="ModalityNotFoundException"/> for a modality the session lacks and <see cref="OutputNotAvailableException"/>
    /// when it is not fully generated or no tokenizer is configured for it.
    /// </summary>
    public async Task<byte[]> GetOutputPngAsync(string sessionId, string modality, int? diffusionSteps = null, CancellationToken cancellationToken = default)
    {
        await GetStatusAsync(sessionId);
        try { return await Session(sessionId).GetOutputPng(modality, diffusionSteps, cancellationToken); }
        catch (KeyNotFoundException ex) { throw new ModalityNotFoundException(sessionId, modality, ex.Message); }
        catch (InvalidOperationException ex) { throw new OutputNotAvailableException(ex.Message, ex); }
        catch (ServingRejectedException rejected)
        {
            throw new GenerationRejectedException(rejected.Reason.ToString(), rejected.RetryAfter, rejected.Message, rejected);
        }
    }

    /// <summary>Starts a session, reports each step to <paramref name="progress"/>, and returns the final result.</summary>
    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, IProgress<StepUpdate>? progress = null, CancellationToken cancellationToken = default)
    {
        var status = await CreateSessionAsync(request, cancellationToken: cancellationToken);
        try
        {
            await foreach (var update in WatchAsync(status.SessionId, cancellationToken))
            {
                progress?.Report(update);
                if (IsFinal(update.Phase)) break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A caller who gives up should not leave the session consuming device time.
            await Session(status.SessionId).Cancel();
            throw;
        }
        return await GetResultAsync(status.SessionId);
    }

    /// <summary>
    /// Argument errors and the generation layer's plan errors. The latter's type may not be loadable here (clients do
    /// not reference the generation layer), in which case Orleans hands over a fallback exception naming it.
    /// </summary>
    private static bool IsPlanError(Exception ex) =>
        ex is ArgumentException
        || ex.GetType().Name == "GenerationPlanException"
        || (ex is Orleans.Serialization.UnavailableExceptionFallbackException fallback && fallback.ExceptionType?.EndsWith("GenerationPlanException", StringComparison.Ordinal) == true);

    public static bool IsFinal(SessionPhase phase) => phase is SessionPhase.Completed or SessionPhase.Failed or SessionPhase.Cancelled;

    public static string NewSessionId() => Guid.NewGuid().ToString("N");

    private IGenerationSessionGrain Session(string sessionId)
    {
        if (string.IsNullOrWhiteSpace(sessionId) || sessionId.Length > 128 || sessionId.Any(char.IsControl))
            throw new ArgumentException($"invalid session id '{sessionId}'", nameof(sessionId));
        return grains.GetGrain<IGenerationSessionGrain>(sessionId);
    }

    // A grain that was never started answers with an empty plan in the Created phase.
    private static bool IsUnstarted(SessionStatus status) => status.Phase == SessionPhase.Created && status.TotalSteps == 0;
}
