namespace FourM.Grains.Interfaces.Admission;

public enum RejectionReason { QueueFull = 0, ClientConcurrencyLimit = 1, NoDevice = 2, UnknownModel = 3, Draining = 4 }

/// <summary>
/// Work was refused before it was queued (nothing ran). Callers may retry after <see cref="RetryAfter"/>
/// (the HTTP gateway maps it to 429 + Retry-After).
/// </summary>
[GenerateSerializer, Alias("fourm.ServingRejectedException")]
public sealed class ServingRejectedException : Exception
{
    public ServingRejectedException(RejectionReason reason, TimeSpan retryAfter, string message) : base(message)
    {
        Reason = reason;
        RetryAfter = retryAfter;
    }

    [Id(0)] public RejectionReason Reason { get; private set; }
    [Id(1)] public TimeSpan RetryAfter { get; private set; }
}
