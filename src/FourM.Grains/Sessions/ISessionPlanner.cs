using FourM.Engine.Batching;
using FourM.Generation.Batching;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Grains.Sessions;

/// <summary>
/// Turns a request into the chained plan the session walks: the initial sample (inputs visible, targets masked)
/// and every step with its spec, seed and sampling settings. Must be deterministic: a reactivated session rebuilds
/// the plan from its persisted request and continues at its persisted step.
/// </summary>
public interface ISessionPlanner
{
    SessionPlan Plan(SessionRequest request);
}

public sealed record SessionPlan(SampleState Initial, IReadOnlyList<PlannedStep> Steps)
{
    /// <summary>
    /// The plan's targets with their schemes and step counts, in order (e.g. <c>tok_clip@224:Roar:49|tok_rgb@224:Roar:25</c>):
    /// sessions with equal shapes walk the same steps, which the engine uses to align them.
    /// </summary>
    public string Shape { get; } = string.Join('|',
        Steps.Where(s => s.TargetStep == 1).Select(s => $"{s.Spec.TargetDomain}:{s.Spec.Scheme}:{s.TargetSteps}"));

    /// <summary>
    /// Steps from <paramref name="index"/> to the plan's next autoregressive step (0: that step itself), or
    /// <see cref="JobScheduling.NoSequenceAhead"/> when none is left: the engine's hint for holding sequence batches.
    /// </summary>
    public int StepsToSequence(int index)
    {
        for (var j = index; j < Steps.Count; j++)
            if (Steps[j].Spec.Scheme == DecodingScheme.Autoregressive) return j - index;
        return JobScheduling.NoSequenceAhead;
    }
}

/// <summary>One step of the plan. <see cref="TargetStep"/> is 1-based within its target.</summary>
public sealed record PlannedStep(
    GenerationStepSpec Spec,
    long? Seed,
    SamplingSettings Sampling,
    int? MaxNewTokens,
    int TargetStep,
    int TargetSteps)
{
    public IReadOnlyList<SampleState>? Conditions { get; init; }
    public SampleState? Unconditional { get; init; }
}
