namespace FourM.Model.Checkpoints;

/// <summary>What a tolerant checkpoint load did, key by key.</summary>
public sealed record CheckpointLoadReport(
    string File,
    IReadOnlyList<string> Loaded,
    IReadOnlyDictionary<string, string> LoadedFromAlias,
    IReadOnlyList<string> KeptZeroBias,
    IReadOnlyList<string> RecomputedPositions,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected);

/// <summary>A loaded model with the report of how its checkpoint was matched.</summary>
public sealed record LoadedCheckpoint(FourMModel Model, CheckpointLoadReport Report, string ConfigSource);
