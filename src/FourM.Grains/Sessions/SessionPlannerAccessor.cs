namespace FourM.Grains.Sessions;

/// <summary>The silo's planner, resolved once from the serving options or the container.</summary>
public sealed record SessionPlannerAccessor(ISessionPlanner Planner);
