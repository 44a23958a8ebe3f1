using FourM.Grains.Interfaces.Sessions;

namespace FourM.Grains.Interfaces.Work;

/// <summary>How one step decodes its target (the generation layer's step spec, as plain data).</summary>
[GenerateSerializer, Immutable, Alias("fourm.StepSpec")]
public sealed record StepSpec
{
    [Id(0)] public required string TargetModality { get; init; }
    [Id(1)] public TargetScheme Scheme { get; init; }
    /// <summary>Tokens this step unmasks (null: the scheme decides, e.g. all remaining).</summary>
    [Id(2)] public int? NumTokens { get; init; }
    [Id(3)] public double Temperature { get; init; }
    [Id(4)] public required double[] CfgScales { get; init; }
    [Id(5)] public required string[] CfgCondDomains { get; init; }
}

/// <summary>
/// One session's next step as a device grain receives it: the sample's token ids and masks, the step spec, the
/// step's seed and sampling settings, plus the scheduling fields (priority, client, deadline) the engine uses.
/// </summary>
[GenerateSerializer, Immutable, Alias("fourm.StepWork")]
public sealed record StepWork
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required string SessionId { get; init; }
    [Id(2)] public required string ModelId { get; init; }
    [Id(3)] public required SampleTensors State { get; init; }
    [Id(4)] public required StepSpec Step { get; init; }
    [Id(5)] public long? Seed { get; init; }
    [Id(6)] public double TopK { get; init; }
    [Id(7)] public double TopP { get; init; }
    [Id(8)] public int? MaxNewTokens { get; init; }
    [Id(9)] public ServingPriority Priority { get; init; } = ServingPriority.Standard;
    [Id(10)] public string ClientId { get; init; } = "anonymous";
    /// <summary>Work not started by then is dropped with a timeout.</summary>
    [Id(11)] public DateTimeOffset? Deadline { get; init; }
    [Id(12)] public SampleTensors[]? Conditions { get; init; }
    [Id(13)] public SampleTensors? Unconditional { get; init; }
    /// <summary>
    /// Steps before the session's next autoregressive step (0: this one; −1: none ahead; null: unknown): a scheduling hint, so
    /// the engine can hold a sequence batch for sessions that are about to join it, and need not when none are.
    /// </summary>
    [Id(14)] public int? StepsToSequence { get; init; }
    /// <summary>
    /// The session plan's shape (targets, schemes and step counts in order; null: unknown) and this step's index in it: a
    /// scheduling hint, so the engine can let sessions on the same plan fall into step with each other.
    /// </summary>
    [Id(15)] public string? PlanShape { get; init; }
    [Id(16)] public int PlanStep { get; init; }
    /// <summary>Steps in the session's plan (0: unknown): with <see cref="PlanStep"/>, how many are left to run in step with others.</summary>
    [Id(17)] public int PlanSteps { get; init; }
}

/// <summary>The sample after a step (pixel arrays omitted: steps never change them) and engine timings.</summary>
[GenerateSerializer, Immutable, Alias("fourm.StepOutcome")]
public sealed record StepOutcome
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required SampleTensors State { get; init; }
    [Id(2)] public int TokensUnmasked { get; init; }
    [Id(3)] public required EngineTiming Timing { get; init; }
}

/// <summary>Where the time of one piece of device work went.</summary>
[GenerateSerializer, Immutable, Alias("fourm.EngineTiming")]
public sealed record EngineTiming
{
    [Id(0)] public double QueueMilliseconds { get; init; }
    [Id(1)] public double ExecuteMilliseconds { get; init; }
    /// <summary>Rows (jobs) of the batch this work ran in.</summary>
    [Id(2)] public int BatchRows { get; init; }
}

/// <summary>
/// Consecutive steps of one session that the device engine runs as a chain (fused mode): the first step with the sample,
/// the ones after it with only what changes from step to step, each run on the state the step before produced.
/// </summary>
[GenerateSerializer, Immutable, Alias("fourm.StepRun")]
public sealed record StepRun
{
    [Id(0)] public required StepWork First { get; init; }
    [Id(1)] public required StepContinuation[] Following { get; init; }
}

/// <summary>A step of a <see cref="StepRun"/> after its first: the fields of <see cref="StepWork"/> that differ per step.</summary>
[GenerateSerializer, Immutable, Alias("fourm.StepContinuation")]
public sealed record StepContinuation
{
    [Id(0)] public required string JobId { get; init; }
    [Id(1)] public required StepSpec Step { get; init; }
    [Id(2)] public long? Seed { get; init; }
    [Id(3)] public double TopK { get; init; }
    [Id(4)] public double TopP { get; init; }
    [Id(5)] public int? MaxNewTokens { get; init; }
    [Id(6)] public int? StepsToSequence { get; init; }
    [Id(7)] public int PlanStep { get; init; }
}
