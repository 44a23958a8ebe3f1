using FourM.Generation.Batching;
using FourM.Generation.Schedules;

namespace FourM.Generation.Requests;

/// <summary>
/// Everything needed to reproduce a generation, as plain serialisable data: inputs, the chain, the seed and the sampling
/// settings. The same request and seed give the same tokens, alone or batched with other requests.
/// </summary>
public sealed record GenerationRequest
{
    public string RequestId { get; init; } = Guid.NewGuid().ToString("N");
    /// <summary>Conditions (and in-painting targets) in encoder order. Ignored when <see cref="InitialState"/> is set.</summary>
    public IReadOnlyList<GenerationInput> Inputs { get; init; } = [];
    /// <summary>A ready sample (for example rebuilt from a golden file); takes precedence over <see cref="Inputs"/>.</summary>
    public SampleState? InitialState { get; init; }
    public required GenerationChain Chain { get; init; }
    /// <summary>Step <c>i</c> reseeds with <c>Seed + i</c> (the reference's rule); null draws a fresh random seed per request.</summary>
    public long? Seed { get; init; }
    public SamplingSettings Sampling { get; init; } = new(0, 0);
    /// <summary>
    /// Weighted multi-condition guidance (the reference's <c>generate_multi_guided</c>): each entry is one condition set, weighted
    /// by the targets' <see cref="TargetPlan.CfgWeights"/>; the unconditional sample is built from <see cref="Inputs"/>.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<GenerationInput>>? WeightedConditions { get; init; }
}
