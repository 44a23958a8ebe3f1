using FourM.Generation.Batching;

namespace FourM.Generation.Schedules;

/// <summary>
/// How one target of a chain is generated (one column of the reference's <c>build_chained_generation_schedules</c> arguments).
/// Plain data, so requests that carry it can be persisted and sent over the wire.
/// </summary>
public sealed record TargetPlan
{
    public required string Domain { get; init; }
    public required DecodingScheme Scheme { get; init; }
    /// <summary>Image targets: tokens to decode (the holes, for in-painting). Sequence targets: slots of the empty target (max new tokens + 1).</summary>
    public required int Tokens { get; init; }
    /// <summary>Decoding steps (MaskGIT / ROAR); ignored for autoregressive targets.</summary>
    public int Steps { get; init; } = 1;
    /// <summary><c>linear</c> or <c>cosine</c> (MaskGIT only; ROAR is always linear).</summary>
    public string TokenSchedule { get; init; } = "linear";
    public double Temperature { get; init; } = 1.0;
    /// <summary><c>constant</c>, <c>linear</c> or <c>onex:{min}:{power}</c>.</summary>
    public string TemperatureSchedule { get; init; } = "constant";
    /// <summary>Classifier-free guidance scale (1 = unguided).</summary>
    public double CfgScale { get; init; } = 1.0;
    /// <summary>Per-condition weights for multi-condition guidance; when set, replaces <see cref="CfgScale"/>.</summary>
    public double[]? CfgWeights { get; init; }
    /// <summary>Only <c>constant</c> exists in the reference.</summary>
    public string CfgSchedule { get; init; } = "constant";
}
