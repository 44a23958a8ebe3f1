namespace FourM.Engine.Engine;

/// <summary>A consistent snapshot of one device engine.</summary>
public sealed record EngineLoad(
    string Device,
    int QueuedJobs,
    int QueuedRows,
    int RunningJobs,
    int ActiveSessions,
    long CompletedJobs,
    long Batches,
    int HeldContexts);
