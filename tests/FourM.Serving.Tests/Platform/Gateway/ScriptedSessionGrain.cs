using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FourM.Grains.Interfaces.Admission;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Serving.Tests.Platform.Gateway;

/// <summary>
/// A stand-in session grain with scripted, independently predictable behaviour: model <c>reject</c> is refused with
/// QueueFull and a 3.2 s retry delay; otherwise each target runs its steps 5 ms apart and ends with tokens
/// <c>seed + position</c>. Lets the gateway and SDK be tested without a model.
/// </summary>
public sealed class ScriptedSessionGrain : Grain, IGenerationSessionGrain
{
    public const string RejectModel = "reject";
    public static readonly TimeSpan RejectRetryAfter = TimeSpan.FromSeconds(3.2);
    /// <summary>Model refused with QueueFull (retry after <see cref="BusyRetryAfter"/>) on the first <see cref="BusyRejections"/> starts of a session, then accepted.</summary>
    public const string BusyModel = "busy";
    public const int BusyRejections = 2;
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromMilliseconds(100);
    public const int TokensPerTarget = 4;
    /// <summary>Model whose steps each take <see cref="SlowStep"/> (longer than the harness client's response timeout).</summary>
    public const string SlowModel = "slow";
    public static readonly TimeSpan SlowStep = TimeSpan.FromSeconds(5);

    /// <summary>Starts this activation refused so far.</summary>
    public int Rejections { get; private set; }

    private readonly List<StepUpdate> _updates = [];
    private readonly List<Channel<StepUpdate>> _watchers = [];
    private SessionRequest? _request;
    private SessionStatus _status = null!;
    private CancellationTokenSource? _run;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _status = new SessionStatus { SessionId = this.GetPrimaryKeyString(), Phase = SessionPhase.Created };
        return Task.CompletedTask;
    }

    public Task<SessionStatus> Start(SessionRequest request, CancellationToken cancellationToken = default)
    {
        if (_request is not null) return Task.FromResult(_status);
        if (request.ModelId == RejectModel)
            throw new ServingRejectedException(RejectionReason.QueueFull, RejectRetryAfter, "device queue is full");
        if (request.ModelId == BusyModel && ++Rejections <= BusyRejections)
            throw new ServingRejectedException(RejectionReason.QueueFull, BusyRetryAfter, "device queue is full for now");
        _request = request;
        _status = _status with { Phase = SessionPhase.Running, TotalSteps = request.Targets.Sum(t => t.DecodingSteps), CurrentTarget = request.Targets[0].Modality };
        _run = new CancellationTokenSource();
        _ = RunAsync(_run.Token);
        return Task.FromResult(_status);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var target in _request!.Targets)
                for (int step = 1; step <= target.DecodingSteps; step++)
                {
                    await Task.Delay(_request.ModelId == SlowModel ? SlowStep : TimeSpan.FromMilliseconds(5), cancellationToken);
                    _status = _status with { CompletedSteps = _status.CompletedSteps + 1, CurrentTarget = target.Modality };
                    bool last = _status.CompletedSteps == _status.TotalSteps;
                    if (last) _status = _status with { Phase = SessionPhase.Completed };
                    Publish(new StepUpdate
                    {
                        SessionId = _status.SessionId, Phase = _status.Phase, Target = target.Modality, TargetStep = step,
                        TargetSteps = target.DecodingSteps, CompletedSteps = _status.CompletedSteps, TotalSteps = _status.TotalSteps,
                    });
                }
        }
        catch (OperationCanceledException) { }
    }

    private void Publish(StepUpdate update)
    {
        _updates.Add(update);
        foreach (var watcher in _watchers) watcher.Writer.TryWrite(update);
        if (FourM.Client.FourMClient.IsFinal(update.Phase)) foreach (var watcher in _watchers) watcher.Writer.TryComplete();
    }

    public async IAsyncEnumerable<StepUpdate> Watch([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<StepUpdate>();
        _watchers.Add(channel);
        try
        {
            // Decide from the snapshot: by the time the caller pulls again, later updates are already in the channel.
            var current = new StepUpdate
            {
                SessionId = _status.SessionId, Phase = _status.Phase, Target = _status.CurrentTarget,
                CompletedSteps = _status.CompletedSteps, TotalSteps = _status.TotalSteps,
            };
            yield return current;
            if (FourM.Client.FourMClient.IsFinal(current.Phase)) yield break;
            await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken)) yield return update;
        }
        finally { _watchers.Remove(channel); }
    }

    public Task<SessionStatus> Cancel()
    {
        if (_request is null || FourM.Client.FourMClient.IsFinal(_status.Phase)) return Task.FromResult(_status);
        _run?.Cancel();
        _status = _status with { Phase = SessionPhase.Cancelled };
        Publish(new StepUpdate { SessionId = _status.SessionId, Phase = _status.Phase, CompletedSteps = _status.CompletedSteps, TotalSteps = _status.TotalSteps });
        return Task.FromResult(_status);
    }

    public Task<SessionStatus> GetStatus() => Task.FromResult(_status);

    public Task<SessionResult> GetResult()
    {
        var seed = _request?.Seed ?? 0;
        var outputs = _status.Phase == SessionPhase.Completed
            ? _request!.Targets.Select(t => new ModalityOutput
            {
                Modality = t.Modality,
                Tokens = Enumerable.Range(0, TokensPerTarget).Select(i => seed + i).ToArray(),
                InputMask = new bool[TokensPerTarget],
            }).ToArray()
            : [];
        return Task.FromResult(new SessionResult { Status = _status, Modalities = outputs });
    }

    public async Task<SessionResult> WaitForCompletion(CancellationToken cancellationToken = default)
    {
        await foreach (var update in Watch(cancellationToken)) if (FourM.Client.FourMClient.IsFinal(update.Phase)) break;
        return await GetResult();
    }

    public Task<SessionStatus> Edit(SessionEdit edit) => Task.FromResult(_status);

    /// <summary>A completed target renders as a 1×1 grey PNG whose value is its first token; others fail like the real grain.</summary>
    public Task<byte[]> GetOutputPng(string modality, int? diffusionSteps = null, CancellationToken cancellationToken = default)
    {
        if (_request is null || _request.Targets.All(t => t.Modality != modality))
            throw new KeyNotFoundException($"session has no modality '{modality}'");
        if (_status.Phase != SessionPhase.Completed)
            throw new InvalidOperationException($"'{modality}' is not finished");
        var value = (byte)((_request.Seed ?? 0) % 256);
        return Task.FromResult(FourM.ImageTokenizers.Imaging.PngEncoding.Encode(new FourM.ImageTokenizers.Imaging.ByteImage(1, 1, 1, [value])));
    }

    public Task Subscribe(ISessionObserver observer) => Task.CompletedTask;
    public Task Unsubscribe(ISessionObserver observer) => Task.CompletedTask;
}
