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
    /// <summary>
    /// An encoded image (PNG, JPEG or WebP) for an image modality: tokenized on the session's device before the first
    /// step (<c>tok_*</c> modalities, with the silo's tokenizer), or turned into 4M's pixel input (<c>rgb@224</c>).
    /// </summary>
    [Id(6)] public byte[]? Image { get; init; }
}
