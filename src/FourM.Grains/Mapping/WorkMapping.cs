using FourM.Engine.Batching;
using FourM.Generation.Batching;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Interfaces.Work;

namespace FourM.Grains.Mapping;

/// <summary>Converts step work between its message form and the generation layer's <see cref="StepJob"/>.</summary>
public static class WorkMapping
{
    public static StepJob ToJob(StepWork work) =>
        new(work.JobId, TensorMapping.ToState(work.State), ToSpec(work.Step), work.Seed, new SamplingSettings(work.TopK, work.TopP), work.MaxNewTokens)
        {
            Conditions = work.Conditions?.Select(TensorMapping.ToState).ToList(),
            Unconditional = work.Unconditional is null ? null : TensorMapping.ToState(work.Unconditional),
        };

    /// <summary>
    /// The engine jobs and scheduling of a <see cref="StepRun"/>. A step after the first runs on the state the step before it
    /// produced (<see cref="StepChain"/>); the first step's state stands in for it until then, so it is converted once.
    /// </summary>
    public static (IReadOnlyList<StepJob> Steps, IReadOnlyList<JobScheduling> Scheduling) ToChain(StepRun run)
    {
        if (run.First.Conditions is not null || run.First.Unconditional is not null)
            throw new ArgumentException("steps with multi-condition guidance do not chain: their conditions change with every step");
        var first = ToJob(run.First);
        var steps = new List<StepJob>(1 + run.Following.Length) { first };
        var scheduling = new List<JobScheduling>(1 + run.Following.Length) { ToScheduling(run.First) };
        foreach (var next in run.Following)
        {
            var work = run.First with
            {
                JobId = next.JobId, Step = next.Step, Seed = next.Seed, TopK = next.TopK, TopP = next.TopP,
                MaxNewTokens = next.MaxNewTokens, StepsToSequence = next.StepsToSequence, PlanStep = next.PlanStep,
            };
            steps.Add(new StepJob(work.JobId, first.State, ToSpec(work.Step), work.Seed, new SamplingSettings(work.TopK, work.TopP), work.MaxNewTokens));
            scheduling.Add(ToScheduling(work));
        }
        return (steps, scheduling);
    }

    public static JobScheduling ToScheduling(StepWork work) =>
        new(work.SessionId, work.ModelId, (int)work.Priority, work.Deadline, work.StepsToSequence,
            work.PlanShape is null ? null : new PlanProgress(work.PlanShape, work.PlanStep, work.PlanSteps));

    public static GenerationStepSpec ToSpec(StepSpec spec) =>
        new(spec.TargetModality, ToScheme(spec.Scheme), spec.NumTokens, spec.Temperature, spec.CfgScales, spec.CfgCondDomains);

    public static StepSpec ToSpec(GenerationStepSpec spec) => new()
    {
        TargetModality = spec.TargetDomain,
        Scheme = ToScheme(spec.Scheme),
        NumTokens = spec.NumTokens,
        Temperature = spec.Temperature,
        CfgScales = spec.CfgScales,
        CfgCondDomains = spec.CfgCondDomains,
    };

    public static DecodingScheme ToScheme(TargetScheme scheme) => scheme switch
    {
        TargetScheme.MaskGit => DecodingScheme.MaskGit,
        TargetScheme.Roar => DecodingScheme.Roar,
        TargetScheme.Autoregressive => DecodingScheme.Autoregressive,
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "unknown decoding scheme"),
    };

    public static TargetScheme ToScheme(DecodingScheme scheme) => scheme switch
    {
        DecodingScheme.MaskGit => TargetScheme.MaskGit,
        DecodingScheme.Roar => TargetScheme.Roar,
        DecodingScheme.Autoregressive => TargetScheme.Autoregressive,
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "unknown decoding scheme"),
    };

    public static StepOutcome ToOutcome(StepResult result, JobTiming timing) => new()
    {
        JobId = result.JobId,
        State = TensorMapping.ToTensors(result.State, includePixels: false),
        TokensUnmasked = result.TokensUnmasked,
        Timing = ToTiming(timing),
    };

    public static EngineTiming ToTiming(JobTiming timing) => new()
    {
        QueueMilliseconds = timing.Queue.TotalMilliseconds,
        ExecuteMilliseconds = timing.Execute.TotalMilliseconds,
        BatchRows = timing.BatchRows,
    };
}
