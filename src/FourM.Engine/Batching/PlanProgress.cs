namespace FourM.Engine.Batching;

/// <summary>
/// Where a job lies in its session's plan: the plan's <paramref name="Shape"/> (its targets, schemes and step counts in
/// order; sessions with equal shapes walk the same steps) and the step's index in it. A scheduling hint for step alignment.
/// </summary>
public readonly record struct PlanProgress(string Shape, int Step);
