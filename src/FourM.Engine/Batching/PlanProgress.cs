namespace FourM.Engine.Batching;

/// <summary>
/// Where a job lies in its session's plan: the plan's <paramref name="Shape"/> (its targets, schemes and step counts in
/// order; sessions with equal shapes walk the same steps), the step's index in it and the plan's length
/// (<paramref name="Steps"/>; 0: unknown). A scheduling hint for step alignment.
/// </summary>
public readonly record struct PlanProgress(string Shape, int Step, int Steps = 0);
