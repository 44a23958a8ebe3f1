namespace FourM.Grains.Interfaces.Sessions;

/// <summary>A snapshot of a session: where it is in its plan and where it runs.</summary>
[GenerateSerializer, Immutable, Alias("fourm.SessionStatus")]
public sealed record SessionStatus
{
    [Id(0)] public required string SessionId { get; init; }
    [Id(1)] public SessionPhase Phase { get; init; }
    /// <summary>Steps completed (and persisted) so far, over the whole chained plan.</summary>
    [Id(2)] public int CompletedSteps { get; init; }
    [Id(3)] public int TotalSteps { get; init; }
    [Id(4)] public string? CurrentTarget { get; init; }
    /// <summary>Encoder device (the only device in fused/co-located modes).</summary>
    [Id(5)] public string? Device { get; init; }
    [Id(6)] public string? DecoderDevice { get; init; }
    [Id(7)] public string? Error { get; init; }
    /// <summary>The persisted step this activation resumed from when it reactivated mid-generation; null if it never did.</summary>
    [Id(8)] public int? ResumedFromStep { get; init; }
    [Id(9)] public int Edits { get; init; }
    /// <summary>Times the session moved to another device mid-generation because its own went away (silo left or died).</summary>
    [Id(10)] public int Failovers { get; init; }
}
