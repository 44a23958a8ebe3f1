namespace FourM.Grains.Interfaces.Sessions;

/// <summary>The session's status and every modality's tokens (final once the phase is Completed).</summary>
[GenerateSerializer, Immutable, Alias("fourm.SessionResult")]
public sealed record SessionResult
{
    [Id(0)] public required SessionStatus Status { get; init; }
    [Id(1)] public required ModalityOutput[] Modalities { get; init; }
}

[GenerateSerializer, Immutable, Alias("fourm.ModalityOutput")]
public sealed record ModalityOutput
{
    [Id(0)] public required string Modality { get; init; }
    [Id(1)] public required long[] Tokens { get; init; }
    /// <summary>Reference convention: false = visible input (every generated token ends up visible).</summary>
    [Id(2)] public required bool[] InputMask { get; init; }
}
