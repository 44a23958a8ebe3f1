namespace FourM.Engine.Admission;

public enum EngineRejection { QueueFull = 0, SessionLimit = 1, Draining = 2 }

/// <summary>The engine refused work before queueing it; nothing ran. Retry after <see cref="RetryAfter"/>.</summary>
public sealed class EngineRejectedException(EngineRejection reason, TimeSpan retryAfter, string message) : Exception(message)
{
    public EngineRejection Reason { get; } = reason;
    public TimeSpan RetryAfter { get; } = retryAfter;
}
