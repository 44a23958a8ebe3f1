using System.Diagnostics;
using System.Runtime.CompilerServices;
using FourM.Engine.Metrics;
using FourM.Generation.Batching;
using FourM.Grains.Devices;
using FourM.Grains.Imaging;
using FourM.Grains.Interfaces.Imaging;
using FourM.Grains.Hosting;
using FourM.Grains.Interfaces.Admission;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Interfaces.Work;
using FourM.Grains.Mapping;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace FourM.Grains.Sessions;

/// <summary>
/// One generation session. Reentrant with an explicit state machine: the step loop runs as a background task on the
/// activation's scheduler (one step in flight at a time), while Watch/Cancel/Edit/Status calls interleave with it.
/// The request (with its resolved inputs) is stored once, at the start; after every step the sample's tokens and masks and the
/// step index are persisted; a reactivated session continues from there. That write
/// overlaps the next step (steps are deterministic, so resuming from one step earlier gives the same tokens), and writes are
/// chained so that two never overlap (<see cref="Persist"/>).
/// </summary>
[Reentrant]
public sealed class GenerationSessionGrain(
    [PersistentState("session", ServingStorage.Name)] IPersistentState<SessionState> persisted,
    [PersistentState("inputs", ServingStorage.Name)] IPersistentState<SessionInputs> inputs,
    SessionPlannerAccessor planner,
    FourMServingOptions options,
    DeviceDirectory directory,
    ServingMetrics metrics,
    ImageTokenizerCatalog tokenizers,
    ILogger<GenerationSessionGrain> logger) : Grain, IGenerationSessionGrain
{
    private readonly SessionWatchers _watchers = new(logger);
    private readonly SessionImageOutputs _images = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _loopCancellation;
    private Task? _loop;
    private bool _cancelRequested;
    private bool _deactivating;
    private int? _resumedFromStep;
    private SessionPlan? _plan;
    private SampleTensors? _pixelSource;
    private StepUpdate? _lastUpdate;
    private Task _lastWrite = Task.CompletedTask;

    private SessionDevices? _devices;

    private SessionState State => persisted.State;
    private SessionRequest? Request => inputs.State.Request ?? State.LegacyRequest;
    private SessionDevices Devices => _devices ??= new(GrainFactory, directory, SessionId);

    /// <summary>The devices the session is admitted on; null before admission.</summary>
    private SessionDevicePair? CurrentDevices =>
        State.Device is null ? null : new(DeviceAddress.Parse(State.Device), DeviceAddress.Parse(State.DecoderDevice ?? State.Device));

    private void UseDevices(SessionDevicePair devices) => (State.Device, State.DecoderDevice) = (devices.Encoder.ToString(), devices.Decoder.ToString());
    private string SessionId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Phase == SessionPhase.Running && Request is not null)
        {
            // Reactivated mid-generation (deactivation, silo restart): continue at the persisted step.
            _resumedFromStep = State.CompletedSteps;
            logger.LogInformation("session {Session} resumes at step {Step}/{Total}", SessionId, State.CompletedSteps, State.TotalSteps);
            try { await Devices.Admit(CurrentDevices!.Value, Request.ModelId); }
            catch (ServingRejectedException ex) { logger.LogWarning("session {Session} resumes without a barrier slot: {Reason}", SessionId, ex.Message); }
            catch (Exception ex) when (DeviceLoss.IsDeviceLoss(ex, DevicesStillAnnounced(), cancelledByUs: false))
            {
                // Its device went away while it was inactive (a silo died): the first step fails over.
                logger.LogWarning("session {Session} resumes; its device {Device} is gone ({Error})", SessionId, State.Device, ex.Message);
            }
            StartLoop();
        }
        else if (IsTerminal(State.Phase)) _ended.TrySetResult();
        await base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_loop is { IsCompleted: false } loop)
        {
            _deactivating = true;
            _loopCancellation?.Cancel();
            await loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
        }
        // A step's write may still be in flight (it overlaps the next step): a later activation must read it, not race it.
        await _lastWrite.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<SessionStatus> Start(SessionRequest request, CancellationToken cancellationToken = default)
    {
        if (State.Phase != SessionPhase.Created) return Status();
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.ModelId)) throw new ArgumentException("the request names no model", nameof(request));
        if (request.Targets.Length == 0) throw new ArgumentException("the request has no targets", nameof(request));
        // Fix the seed now: a resumed session must replay the same plan.
        if (request.Seed is null) request = request with { Seed = Random.Shared.NextInt64(int.MaxValue) };

        var ranked = await Devices.Rank(request);
        var preferred = SessionDevices.Choose(request, ranked, ranked[0]);
        request = await SessionImageInputs.Resolve(request, SessionId, preferred.Encoder, GrainFactory, cancellationToken);
        var plan = planner.Planner.Plan(request);
        var quota = GrainFactory.GetGrain<IClientQuotaGrain>(request.ClientId);
        await quota.Acquire(SessionId, options.MaxSessionsPerClient);
        try
        {
            UseDevices(await Devices.AdmitOnFirstAvailable(request, ranked));
        }
        catch
        {
            await quota.Release(SessionId);
            throw;
        }

        (_plan, _pixelSource) = (plan, null);
        inputs.State.Request = request;
        State.Sample = TensorMapping.ToTensors(plan.Initial, includePixels: false);
        State.TotalSteps = plan.Steps.Count;
        State.CompletedSteps = 0;
        State.StartedAt = DateTimeOffset.UtcNow;
        State.Deadline = State.StartedAt + (request.Timeout ?? options.DefaultSessionTimeout);
        State.Phase = SessionPhase.Running;
        try
        {
            // Inputs first: a stored Running state always finds its request.
            await inputs.WriteStateAsync(cancellationToken);
            await Persist(cancellationToken);
        }
        catch
        {
            // Not started after all: give the slots back, so that the caller may retry.
            State.Phase = SessionPhase.Created;
            await ReleaseEverything();
            throw;
        }
        StartLoop();
        return Status();
    }

    public async IAsyncEnumerable<StepUpdate> Watch([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = _watchers.Open();
        try
        {
            var current = _lastUpdate ?? StatusUpdate();
            yield return current;
            if (IsTerminal(current.Phase)) yield break;
            while (await channel.Reader.WaitToReadAsync(cancellationToken))
            {
                while (channel.Reader.TryRead(out var update))
                {
                    yield return update;
                    if (IsTerminal(update.Phase)) yield break;
                }
            }
        }
        finally
        {
            _watchers.Close(channel);
        }
    }

    public async Task<SessionStatus> Cancel()
    {
        switch (State.Phase)
        {
            case SessionPhase.Created:
                State.Phase = SessionPhase.Cancelled;
                await Persist();
                _ended.TrySetResult();
                break;
            case SessionPhase.Running:
                _cancelRequested = true;
                _loopCancellation?.Cancel();
                if (_loop is { } loop) await loop;
                break;
        }
        return Status();
    }

    public Task<SessionStatus> GetStatus() => Task.FromResult(Status());

    public Task<SessionResult> GetResult() => Task.FromResult(Result());

    public async Task<SessionResult> WaitForCompletion(CancellationToken cancellationToken = default)
    {
        await _ended.Task.WaitAsync(cancellationToken);
        return Result();
    }

    public Task<SessionStatus> Edit(SessionEdit edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        if (edit.Positions.Length != edit.Tokens.Length)
            throw new ArgumentException($"edit of '{edit.Modality}' has {edit.Positions.Length} positions but {edit.Tokens.Length} tokens");
        if (State.Phase != SessionPhase.Running)
            throw new InvalidOperationException($"session {SessionId} is {State.Phase}; edits apply to running sessions only");
        var modality = State.Sample!.Modalities.FirstOrDefault(m => m.Modality == edit.Modality)
            ?? throw new ArgumentException($"session {SessionId} has no modality '{edit.Modality}'");
        if (edit.Positions.Any(p => p < 0 || p >= modality.Tokens.Length))
            throw new ArgumentException($"edit positions must lie in [0, {modality.Tokens.Length}) for '{edit.Modality}'");
        State.PendingEdits.Add(edit);
        return Task.FromResult(Status());
    }

    public Task<byte[]> GetOutputPng(string modality, int? diffusionSteps = null, CancellationToken cancellationToken = default)
    {
        if (State.Sample is null) throw new InvalidOperationException($"session {SessionId} has not started");
        var output = Result().Modalities.FirstOrDefault(m => m.Modality == modality)
            ?? throw new KeyNotFoundException($"session {SessionId} has no modality '{modality}'");
        if (!tokenizers.Has(modality))
            throw new InvalidOperationException($"no image tokenizer is configured for '{modality}', so it cannot be rendered as an image");
        var steps = diffusionSteps ?? options.DiffusionSteps;
        if (steps < 1) throw new ArgumentException($"diffusion steps must be at least 1 (got {steps})");
        var device = State.DecoderDevice ?? State.Device!;
        return _images.Get(output, steps, tokens => GrainFactory.GetGrain<IImageTokenizerGrain>(device)
            .RenderPng(SessionId, modality, tokens, steps, Request!.Seed ?? 0, cancellationToken));
    }

    public Task Subscribe(ISessionObserver observer)
    {
        _watchers.Subscribe(observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(ISessionObserver observer)
    {
        _watchers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private void StartLoop()
    {
        _loopCancellation = new CancellationTokenSource();
        _loop = RunLoop(_loopCancellation.Token);
    }

    private async Task RunLoop(CancellationToken cancellationToken)
    {
        var request = Request!;
        try
        {
            _plan ??= planner.Planner.Plan(request);
            var executor = Executor(request);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Clamp(State.Deadline - DateTimeOffset.UtcNow));
            while (State.CompletedSteps < _plan.Steps.Count)
            {
                deadline.Token.ThrowIfCancellationRequested();
                // Long generations must outlive idle collection: the loop is not an incoming call.
                DelayDeactivation(TimeSpan.FromMinutes(10));
                var index = State.CompletedSteps;
                var step = _plan.Steps[index];
                if (State.PendingEdits.Count > 0)
                {
                    // The previous step's write must not see the edits half-applied.
                    await _lastWrite;
                    ApplyPendingEdits();
                }
                var sample = State.Sample!;
                if (RemainingTargets(sample, step.Spec.TargetDomain) == 0)
                {
                    // Nothing left to decode for this target (e.g. an autoregressive target that ended early).
                    await _lastWrite;
                    State.CompletedSteps = index + 1;
                    continue;
                }

                var chained = executor.ChainsSteps && options.ChainSteps ? ChainableSteps(index) : 1;
                var lost = chained > 1
                    ? await RunChain(executor, request, index, chained, deadline.Token)
                    : await RunStep(executor, request, index, deadline.Token);
                if (lost is not null)
                {
                    if (await FailOver(request, lost) is { } refusal)
                        throw new InvalidOperationException($"device {State.Device} went away at step {State.CompletedSteps + 1} ({lost.Message}); {refusal}", lost);
                    // The same step again on the new device: same state and seed, so the same tokens.
                    executor = Executor(request);
                }
            }
            await Finish(SessionPhase.Completed, null);
        }
        catch (Exception ex) when (_deactivating)
        {
            // Leaving this silo or being collected mid-step: the persisted step stands; the next activation resumes.
            logger.LogInformation("session {Session} paused at step {Step} by deactivation ({Error})", SessionId, State.CompletedSteps, ex.GetType().Name);
        }
        catch (OperationCanceledException) when (_cancelRequested)
        {
            await Finish(SessionPhase.Cancelled, null);
        }
        catch (OperationCanceledException) when (DateTimeOffset.UtcNow >= State.Deadline)
        {
            await Finish(SessionPhase.Failed, $"session timed out after {(State.Deadline - State.StartedAt).TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException)
        {
            await Finish(SessionPhase.Failed, $"step {State.CompletedSteps + 1} took longer than {options.StepTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "session {Session} failed at step {Step}", SessionId, State.CompletedSteps + 1);
            await Finish(SessionPhase.Failed, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>One step through one executor call. Returns the error when the device went away (the step did not run), else null.</summary>
    private async Task<Exception?> RunStep(IStepExecutor executor, SessionRequest request, int index, CancellationToken deadline)
    {
        var step = _plan!.Steps[index];
        var sample = State.Sample!;
        using var stepTimeout = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        stepTimeout.CancelAfter(options.StepTimeout);
        var started = Stopwatch.GetTimestamp();
        var running = executor.Run(Work(request, sample, step, index), stepTimeout.Token);
        // The previous step's state is stored while this step runs; it must be stored before this one changes it. A
        // storage failure is not a device loss: it fails the session (outside the try below).
        await _lastWrite;
        StepOutcome outcome;
        try
        {
            outcome = await running;
        }
        catch (Exception ex) when (DeviceLoss.IsDeviceLoss(ex, DevicesStillAnnounced(), cancelledByUs: stepTimeout.IsCancellationRequested))
        {
            return ex;
        }
        Apply(step, index, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return null;
    }

    /// <summary>
    /// <paramref name="count"/> consecutive steps as one engine-side chain: the engine queues each step as soon as the one before
    /// it completes, so the device never waits for this grain between them; each outcome is applied, persisted (overlapping
    /// the steps after it) and published as it arrives. Stops early when edits arrive (the steps after the current one must
    /// see them). Returns the error when the device went away, else null.
    /// </summary>
    private async Task<Exception?> RunChain(IStepExecutor executor, SessionRequest request, int first, int count, CancellationToken deadline)
    {
        var run = new StepRun
        {
            First = Work(request, State.Sample!, _plan!.Steps[first], first),
            Following = Enumerable.Range(first + 1, count - 1).Select(Continuation).ToArray(),
        };
        // Every step must arrive within the step timeout of the one before it.
        using var stepTimeout = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        stepTimeout.CancelAfter(options.StepTimeout);
        var outcomes = executor.RunChain(run, stepTimeout.Token).GetAsyncEnumerator(stepTimeout.Token);
        try
        {
            var previous = Stopwatch.GetTimestamp();
            for (var index = first; index < first + count; index++)
            {
                try
                {
                    if (!await outcomes.MoveNextAsync()) throw new InvalidOperationException($"the device ended the chain after step {index} of {first + count}");
                }
                catch (Exception ex) when (DeviceLoss.IsDeviceLoss(ex, DevicesStillAnnounced(), cancelledByUs: stepTimeout.IsCancellationRequested))
                {
                    return ex;
                }
                var received = Stopwatch.GetTimestamp();
                stepTimeout.CancelAfter(options.StepTimeout);
                DelayDeactivation(TimeSpan.FromMinutes(10));
                // A storage failure is not a device loss: it fails the session.
                await _lastWrite;
                // The step's wall time is the time since the step before it arrived: the engine queued this step when that
                // one completed, so delivery to this grain overlaps the device work.
                Apply(_plan.Steps[index], index, outcomes.Current, Stopwatch.GetElapsedTime(previous, received).TotalMilliseconds);
                previous = received;
                if (State.PendingEdits.Count > 0) break;
            }
            return null;
        }
        finally
        {
            // Ending early drops the steps the engine has not run; a device that went away may not answer.
            try { await outcomes.DisposeAsync(); }
            catch (Exception ex) { logger.LogDebug(ex, "session {Session}: closing its step chain failed", SessionId); }
        }
    }

    /// <summary>How many steps from <paramref name="index"/> on can run as one chain: image steps without multi-condition
    /// guidance (an autoregressive step may end its target early, and multi-condition samples change with every step).</summary>
    private int ChainableSteps(int index)
    {
        var count = 0;
        while (index + count < _plan!.Steps.Count && Chainable(_plan.Steps[index + count])) count++;
        return Math.Max(1, count);
    }

    private static bool Chainable(PlannedStep step) =>
        step.Spec.Scheme != DecodingScheme.Autoregressive && step.Conditions is null && step.Unconditional is null;

    /// <summary>A step's outcome becomes the session's state: stored (the write overlaps what follows) and published.</summary>
    private void Apply(PlannedStep step, int index, StepOutcome outcome, double wallMilliseconds)
    {
        metrics.StepDuration.Record(wallMilliseconds);
        metrics.StepOverhead.Record(Math.Max(0, wallMilliseconds - outcome.Timing.QueueMilliseconds - outcome.Timing.ExecuteMilliseconds));
        if (index == 0) metrics.TimeToFirstPreview.Record((DateTimeOffset.UtcNow - State.StartedAt).TotalSeconds);
        State.Sample = outcome.State;
        State.CompletedSteps = index + 1;
        _ = Persist();
        Publish(StepUpdateFor(step, outcome));
    }

    private StepContinuation Continuation(int index)
    {
        var step = _plan!.Steps[index];
        return new StepContinuation
        {
            JobId = $"{SessionId}#{index}",
            Step = WorkMapping.ToSpec(step.Spec),
            Seed = step.Seed,
            TopK = step.Sampling.TopK,
            TopP = step.Sampling.TopP,
            MaxNewTokens = step.MaxNewTokens,
            StepsToSequence = _plan.StepsToSequence(index),
            PlanStep = index,
        };
    }

    private async Task Finish(SessionPhase phase, string? error)
    {
        State.Phase = phase;
        State.Error = error;
        await Persist();
        if (phase == SessionPhase.Completed) metrics.EndToEnd.Record((DateTimeOffset.UtcNow - State.StartedAt).TotalSeconds);
        await ReleaseEverything();
        Publish(StatusUpdate());
        _ended.TrySetResult();
    }

    private async Task ReleaseEverything()
    {
        var request = Request!;
        try
        {
            if (CurrentDevices is { } devices) await Devices.Release(devices);
            await GrainFactory.GetGrain<IClientQuotaGrain>(request.ClientId).Release(SessionId);
        }
        catch (Exception ex)
        {
            // Leases expire on their own; a failed release must not hide the session's outcome.
            logger.LogWarning(ex, "session {Session} could not release its device/quota slots", SessionId);
        }
    }

    /// <summary>
    /// Moves a running session off a device that went away: releases what it can there, admits itself on the best-ranked
    /// remaining device and persists the move. Returns null when it moved, else why it did not (the session then fails):
    /// it is pinned to a device, it used up <see cref="FourMServingOptions.MaxFailovers"/>, or no other device can take it.
    /// </summary>
    private async Task<string?> FailOver(SessionRequest request, Exception cause)
    {
        if (request.Device is not null || request.DecoderDevice is not null) return "the session is pinned to it";
        if (State.Failovers >= options.MaxFailovers) return $"the session already moved {State.Failovers} time(s) (MaxFailovers {options.MaxFailovers})";
        var lost = CurrentDevices!.Value;
        logger.LogWarning("session {Session}: device {Device} lost at step {Step}/{Total} ({Error}); moving to another device",
            SessionId, State.Device, State.CompletedSteps + 1, State.TotalSteps, cause.Message);
        try { await Devices.Release(lost); }
        catch (Exception ex) { logger.LogDebug(ex, "session {Session}: no release on its lost device", SessionId); }
        try
        {
            UseDevices(await Devices.AdmitOnFirstAvailable(request, await Devices.Rank(request, exclude: lost.Distinct().ToList())));
        }
        catch (ServingRejectedException ex)
        {
            logger.LogWarning("session {Session}: no device can take it over ({Reason})", SessionId, ex.Message);
            return $"no other device can take it ({ex.Message})";
        }
        State.Failovers++;
        await Persist();
        metrics.Failovers.Add(1);
        logger.LogInformation("session {Session} continues at step {Step} on {Device}", SessionId, State.CompletedSteps + 1, State.Device);
        return null;
    }

    /// <summary>
    /// Writes the state after the previous write has finished (storage rejects overlapping writes of one grain's state), so the
    /// step loop can start a write and go on. A failed write fails its own awaiter (the loop awaits each write before its next
    /// change to the state); the writes chained after it still run.
    /// </summary>
    private Task Persist(CancellationToken cancellationToken = default) => _lastWrite = WriteAfter(_lastWrite, cancellationToken);

    private async Task WriteAfter(Task previous, CancellationToken cancellationToken)
    {
        try { await previous; }
        catch (Exception ex) { logger.LogDebug(ex, "session {Session}: an earlier state write failed", SessionId); }
        await persisted.WriteStateAsync(cancellationToken);
    }

    private bool DevicesStillAnnounced() => CurrentDevices is not { } devices || Devices.StillAnnounced(devices);

    private IStepExecutor Executor(SessionRequest request)
    {
        var lane = DeviceGrainKey.LaneOf(SessionId, options.DeviceGrainLanes);
        var encoder = new DeviceGrainKey(DeviceAddress.Parse(State.Device!), request.ModelId, lane);
        var decoder = new DeviceGrainKey(DeviceAddress.Parse(State.DecoderDevice!), request.ModelId, lane);
        return request.Mode switch
        {
            ServingMode.Fused => new FusedStepExecutor(GrainFactory, encoder),
            _ => new SplitStepExecutor(GrainFactory, encoder, decoder),
        };
    }

    private StepWork Work(SessionRequest request, SampleTensors sample, PlannedStep step, int index) => new()
    {
        JobId = $"{SessionId}#{index}",
        SessionId = SessionId,
        ModelId = request.ModelId,
        // The stored sample leaves pixel inputs out; the device needs them.
        State = TensorMapping.WithPixelsFrom(sample, PixelSource),
        Step = WorkMapping.ToSpec(step.Spec),
        Seed = step.Seed,
        TopK = step.Sampling.TopK,
        TopP = step.Sampling.TopP,
        MaxNewTokens = step.MaxNewTokens,
        Priority = request.Priority,
        ClientId = request.ClientId,
        Deadline = State.Deadline,
        Conditions = step.Conditions?.Select(c => TensorMapping.ToTensors(c)).ToArray(),
        Unconditional = step.Unconditional is null ? null : TensorMapping.ToTensors(step.Unconditional),
        StepsToSequence = _plan!.StepsToSequence(index),
        PlanShape = _plan.Shape,
        PlanStep = index,
        PlanSteps = _plan.Steps.Count,
    };

    /// <summary>Where a step's pixel inputs come from: the plan's initial sample, rebuilt from the stored request.</summary>
    private SampleTensors PixelSource => _pixelSource ??= TensorMapping.ToTensors(_plan!.Initial);

    /// <summary>Participants' edits: the edited positions become visible inputs with the given ids.</summary>
    private void ApplyPendingEdits()
    {
        if (State.PendingEdits.Count == 0) return;
        var sample = TensorMapping.ToState(State.Sample!);
        foreach (var edit in State.PendingEdits)
        {
            var modality = sample[edit.Modality];
            for (var i = 0; i < edit.Positions.Length; i++)
            {
                var position = edit.Positions[i];
                modality.Tokens[position] = edit.Tokens[i];
                modality.InputMask[position] = false;
                modality.TargetMask[position] = true;
            }
        }
        State.AppliedEdits += State.PendingEdits.Count;
        State.PendingEdits.Clear();
        State.Sample = TensorMapping.ToTensors(sample, includePixels: false);
    }

    private static int RemainingTargets(SampleTensors sample, string target) =>
        sample.Modalities.FirstOrDefault(m => m.Modality == target)?.TargetMask.Count(masked => !masked) ?? 0;

    private void Publish(StepUpdate update)
    {
        _lastUpdate = update;
        _watchers.Publish(update);
    }

    private StepUpdate StepUpdateFor(PlannedStep step, StepOutcome outcome) => new()
    {
        SessionId = SessionId,
        Phase = State.Phase,
        Target = step.Spec.TargetDomain,
        TargetStep = step.TargetStep,
        TargetSteps = step.TargetSteps,
        CompletedSteps = State.CompletedSteps,
        TotalSteps = State.TotalSteps,
        TokensUnmasked = outcome.TokensUnmasked,
        TokenGrid = Request!.StreamTokenGrids
            ? outcome.State.Modalities.FirstOrDefault(m => m.Modality == step.Spec.TargetDomain)?.Tokens
            : null,
    };

    private StepUpdate StatusUpdate() => new()
    {
        SessionId = SessionId,
        Phase = State.Phase,
        Target = CurrentTarget(),
        CompletedSteps = State.CompletedSteps,
        TotalSteps = State.TotalSteps,
        Error = State.Error,
    };

    private string? CurrentTarget() =>
        _plan is { } plan && State.CompletedSteps < plan.Steps.Count ? plan.Steps[State.CompletedSteps].Spec.TargetDomain : null;

    private SessionStatus Status() => new()
    {
        SessionId = SessionId,
        Phase = State.Phase,
        CompletedSteps = State.CompletedSteps,
        TotalSteps = State.TotalSteps,
        CurrentTarget = CurrentTarget(),
        Device = State.Device,
        DecoderDevice = State.DecoderDevice,
        Error = State.Error,
        ResumedFromStep = _resumedFromStep,
        Edits = State.AppliedEdits,
        Failovers = State.Failovers,
    };

    private SessionResult Result() => new()
    {
        Status = Status(),
        Modalities = State.Sample?.Modalities.Select(m => new ModalityOutput { Modality = m.Modality, Tokens = m.Tokens, InputMask = m.InputMask }).ToArray() ?? [],
    };

    private static bool IsTerminal(SessionPhase phase) => phase is SessionPhase.Completed or SessionPhase.Failed or SessionPhase.Cancelled;

    private static TimeSpan Clamp(TimeSpan span) =>
        span <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : span > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : span;
}
