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

    public static JobScheduling ToScheduling(StepWork work) =>
        new(work.SessionId, work.ModelId, (int)work.Priority, work.Deadline, work.StepsToSequence,
            work.PlanShape is null ? null : new PlanProgress(work.PlanShape, work.PlanStep));

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
