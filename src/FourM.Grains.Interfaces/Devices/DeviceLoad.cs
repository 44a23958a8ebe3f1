namespace FourM.Grains.Interfaces.Devices;

/// <summary>A device engine's load, as a snapshot.</summary>
[GenerateSerializer, Immutable, Alias("fourm.DeviceLoad")]
public sealed record DeviceLoad
{
    [Id(0)] public required string Device { get; init; }
    /// <summary>The silo that hosts the grain that answered (to check placement).</summary>
    [Id(1)] public required string Silo { get; init; }
    [Id(2)] public int QueuedJobs { get; init; }
    [Id(3)] public int RunningJobs { get; init; }
    [Id(4)] public int ActiveSessions { get; init; }
    [Id(5)] public long CompletedJobs { get; init; }
    [Id(6)] public long Batches { get; init; }
    [Id(7)] public int HeldContexts { get; init; }
}
