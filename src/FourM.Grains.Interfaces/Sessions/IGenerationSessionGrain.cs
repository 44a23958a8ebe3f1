using Orleans.Concurrency;
using Orleans;

namespace FourM.Grains.Interfaces.Sessions;

/// <summary>
/// One generation session (key: session id). Owns the inputs, the chained plan, the token grids and masks and the
/// step index; advances one step at a time through the device grains, persists after every step, and resumes from
/// the persisted step after a deactivation (on its next call). Several clients may watch and edit one session.
/// </summary>
[Alias("fourm.IGenerationSessionGrain")]
public interface IGenerationSessionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Admits and starts the session and returns at once. Throws <see cref="Admission.ServingRejectedException"/>
    /// when the device queue or the client's concurrency cap is full. Starting a started session returns its status.
    /// </summary>
    Task<SessionStatus> Start(SessionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Current status first, then one update per step, until the session ends (or the caller stops).</summary>
    [AlwaysInterleave]
    IAsyncEnumerable<StepUpdate> Watch(CancellationToken cancellationToken = default);

    /// <summary>Cancels the session; queued device work is dropped before it is packed into a batch.</summary>
    [AlwaysInterleave]
    Task<SessionStatus> Cancel();

    [AlwaysInterleave]
    Task<SessionStatus> GetStatus();

    /// <summary>The tokens so far (final once completed).</summary>
    [AlwaysInterleave]
    Task<SessionResult> GetResult();

    /// <summary>
    /// Waits until the session ends and returns its result (failed/cancelled sessions return their status). A long poll:
    /// its response timeout is raised to an hour; bound it with the cancellation token.
    /// </summary>
    [AlwaysInterleave, ResponseTimeout("01:00:00")]
    Task<SessionResult> WaitForCompletion(CancellationToken cancellationToken = default);

    [AlwaysInterleave]
    Task<SessionStatus> Edit(SessionEdit edit);

    /// <summary>
    /// A fully generated image modality (every token unmasked, finished or not) detokenized on the session's device
    /// (seeded with the session seed; <paramref name="diffusionSteps"/> null: the silo's default) and rendered as a
    /// PNG. Throws <see cref="KeyNotFoundException"/> for a modality the session lacks and
    /// <see cref="InvalidOperationException"/> when tokens are still masked or no tokenizer is configured.
    /// </summary>
    [AlwaysInterleave]
    Task<byte[]> GetOutputPng(string modality, int? diffusionSteps = null, CancellationToken cancellationToken = default);

    [AlwaysInterleave]
    Task Subscribe(ISessionObserver observer);

    [AlwaysInterleave]
    Task Unsubscribe(ISessionObserver observer);
}
