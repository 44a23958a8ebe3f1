namespace FourM.Grains.Interfaces.Sessions;

/// <summary>Progress of one session, pushed to every watcher after each persisted step and at the end.</summary>
[GenerateSerializer, Immutable, Alias("fourm.StepUpdate")]
public sealed record StepUpdate
{
    [Id(0)] public required string SessionId { get; init; }
    [Id(1)] public SessionPhase Phase { get; init; }
    [Id(2)] public string? Target { get; init; }
    /// <summary>1-based step within <see cref="Target"/>.</summary>
    [Id(3)] public int TargetStep { get; init; }
    [Id(4)] public int TargetSteps { get; init; }
    /// <summary>Steps completed over the whole plan.</summary>
    [Id(5)] public int CompletedSteps { get; init; }
    [Id(6)] public int TotalSteps { get; init; }
    [Id(7)] public int TokensUnmasked { get; init; }
    /// <summary>The target's token ids after this step (only when the request asked for grids).</summary>
    [Id(8)] public long[]? TokenGrid { get; init; }
    [Id(9)] public string? Error { get; init; }
}
