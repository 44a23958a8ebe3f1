namespace FourM.Generation.Schedules;

/// <summary>
/// A chained generation plan: condition domains, then targets in order; each finished target conditions the next ones.
/// <see cref="CfgGrowConditioning"/> adds each finished image target to the guidance conditions of later targets.
/// </summary>
public sealed record GenerationChain
{
    public required IReadOnlyList<string> CondDomains { get; init; }
    public required IReadOnlyList<TargetPlan> Targets { get; init; }
    public bool CfgGrowConditioning { get; init; }
}
