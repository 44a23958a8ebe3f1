namespace FourM.Grains.Interfaces.Sessions;

/// <summary>
/// A participant's edit between steps: fixes the given positions of a modality to the given token ids and makes them
/// visible inputs (e.g. keep part of a generated grid and regenerate the rest). Applied at the next step boundary.
/// </summary>
[GenerateSerializer, Immutable, Alias("fourm.SessionEdit")]
public sealed record SessionEdit
{
    [Id(0)] public required string Modality { get; init; }
    [Id(1)] public required int[] Positions { get; init; }
    [Id(2)] public required long[] Tokens { get; init; }
    [Id(3)] public string EditedBy { get; init; } = "anonymous";
}
