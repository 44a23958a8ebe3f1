namespace FourM.Generation.Batching;

public enum DecodingScheme { MaskGit, Roar, Autoregressive }

/// <summary>One entry of a chained generation schedule (the reference's schedule dict), for one step.</summary>
/// <param name="CfgScales">One scale for classifier-free guidance, or one weight per condition for multi-condition guidance.</param>
public sealed record GenerationStepSpec(
    string TargetDomain,
    DecodingScheme Scheme,
    int? NumTokens,
    double Temperature,
    double[] CfgScales,
    string[] CfgCondDomains);

/// <summary>top-k: 0 = off, an integer ≥ 1 = k tokens, a fraction in (0,1) = that share of the vocabulary. top-p: 0 = off.</summary>
public sealed record SamplingSettings(double TopK, double TopP);

/// <summary>
/// One session's next step, handed to the device's step runner. <see cref="Seed"/> is the reseed value of this step
/// (the reference's <c>seed + step</c>), or null for an unseeded step. Each job carries its own seed so that its
/// tokens never depend on which other jobs share the batch.
/// </summary>
public sealed record StepJob(
    string JobId,
    SampleState State,
    GenerationStepSpec Step,
    long? Seed,
    SamplingSettings Sampling,
    int? MaxNewTokens = null)
{
    /// <summary>Extra guidance conditions (multi-condition guidance): each a full sample, weighted by <see cref="GenerationStepSpec.CfgScales"/>.</summary>
    public IReadOnlyList<SampleState>? Conditions { get; init; }
    /// <summary>Unconditional sample for multi-condition guidance (null: built from <see cref="GenerationStepSpec.CfgCondDomains"/>).</summary>
    public SampleState? Unconditional { get; init; }
}

/// <summary>The state after a step, and how many target tokens the step unmasked.</summary>
public sealed record StepResult(string JobId, SampleState State, int TokensUnmasked)
{
    /// <summary>Multi-condition guidance: the condition samples with the step's tokens written into them (else null).</summary>
    public IReadOnlyList<SampleState>? Conditions { get; init; }
    /// <summary>Autoregressive steps: the raw decoded sequence, starting with the start sentinel (the reference's <c>out</c>).</summary>
    public long[]? GeneratedSequence { get; init; }
}
