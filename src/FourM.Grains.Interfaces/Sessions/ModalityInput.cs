namespace FourM.Grains.Interfaces.Sessions;

/// <summary>
/// One conditioning modality: token ids (e.g. <c>tok_rgb@224</c>, a tokenized <c>caption</c>), pixels
/// (<c>rgb@224</c>, C×H×W row-major, normalised as the model expects) or text (tokenized by the silo).
/// <see cref="InputMask"/> (false = visible, the reference convention) allows partial inputs; null = all visible.
/// </summary>
[GenerateSerializer, Immutable, Alias("fourm.ModalityInput")]
public sealed record ModalityInput
{
    [Id(0)] public required string Modality { get; init; }
    [Id(1)] public long[]? Tokens { get; init; }
    [Id(2)] public float[]? Pixels { get; init; }
    [Id(3)] public int[]? PixelShape { get; init; }
    [Id(4)] public string? Text { get; init; }
    [Id(5)] public bool[]? InputMask { get; init; }
}
