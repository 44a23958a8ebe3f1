using FourM.Engine.Engine;
using FourM.Generation.Batching;

namespace FourM.Engine.Batching;

/// <summary>
/// One queued piece of device work and the completion its grain awaits. Completions run their continuations
/// asynchronously so grain code never runs on the device thread.
/// </summary>
public abstract class QueuedJob
{
    private readonly StepJob? _job;

    protected QueuedJob(StepJob job, JobScheduling scheduling)
    {
        _job = job;
        Scheduling = scheduling;
        Rows = JobSize.Rows(job);
        Tokens = JobSize.Tokens(job) * Rows;
    }

    /// <summary>Work that is no model step (image tokenizer jobs): the size is given directly.</summary>
    protected QueuedJob(JobScheduling scheduling, int rows, int tokens)
    {
        Scheduling = scheduling;
        Rows = rows;
        Tokens = tokens;
    }

    public StepJob Job => _job ?? throw new InvalidOperationException($"a {Kind} job carries no model step");
    public JobScheduling Scheduling { get; }
    public abstract WorkKind Kind { get; }
    public int Rows { get; }
    public int Tokens { get; }
    public long EnqueuedTimestamp { get; set; }
    /// <summary>Set under the engine lock once packed into a batch: cancelling then only abandons the result.</summary>
    public bool Packed { get; set; }
    /// <summary>When step alignment first held this job (null: not held); its wait is charged to the session when it runs.</summary>
    public long? AlignmentHeldSince { get; set; }
    public abstract bool IsCompleted { get; }
    /// <summary>Model work (step, encode or decode) of an autoregressive step: a sequence generated token by token.</summary>
    public bool IsSequenceStep =>
        Kind is WorkKind.Step or WorkKind.Encode or WorkKind.Decode && Job.Step.Scheme == FourM.Generation.Batching.DecodingScheme.Autoregressive;
    public abstract void Cancel(CancellationToken token);
    public abstract void Fail(Exception error);
}

/// <summary>A queued job whose completion carries a <typeparamref name="TResult"/>.</summary>
public abstract class QueuedJob<TResult> : QueuedJob
{
    protected QueuedJob(StepJob job, JobScheduling scheduling) : base(job, scheduling) { }

    protected QueuedJob(JobScheduling scheduling, int rows, int tokens) : base(scheduling, rows, tokens) { }

    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TResult> Completion => _completion.Task;
    public override bool IsCompleted => _completion.Task.IsCompleted;
    public void Complete(TResult result) => _completion.TrySetResult(result);
    public override void Cancel(CancellationToken token) => _completion.TrySetCanceled(token);
    public override void Fail(Exception error) => _completion.TrySetException(error);
}

public sealed class StepQueuedJob(StepJob job, JobScheduling scheduling) : QueuedJob<(StepResult Result, JobTiming Timing)>(job, scheduling)
{
    public override WorkKind Kind => WorkKind.Step;

    /// <summary>The chain this step belongs to (its result goes there, and the engine queues the next step); null: a lone step.</summary>
    public StepChain? Chain { get; init; }

    public override void Cancel(CancellationToken token)
    {
        base.Cancel(token);
        Chain?.End(new OperationCanceledException(token));
    }

    public override void Fail(Exception error)
    {
        base.Fail(error);
        Chain?.End(error);
    }
}

public sealed class EncodeQueuedJob(StepJob job, JobScheduling scheduling) : QueuedJob<(ContextHandle Context, JobTiming Timing)>(job, scheduling)
{
    public override WorkKind Kind => WorkKind.Encode;
}

/// <summary>Decode against a context on this device (<see cref="Context"/>) or one shipped from another device (<see cref="ImportedContext"/>).</summary>
public sealed class DecodeQueuedJob(StepJob job, JobScheduling scheduling, ContextHandle? context, byte[]? importedContext)
    : QueuedJob<(StepResult Result, JobTiming Timing)>(job, scheduling)
{
    public ContextHandle? Context { get; } = context ?? (importedContext is null
        ? throw new ArgumentException("a decode needs a local context handle or an imported context payload") : null);
    public byte[]? ImportedContext { get; } = importedContext;
    public override WorkKind Kind => WorkKind.Decode;
}
