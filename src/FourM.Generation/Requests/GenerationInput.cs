namespace FourM.Generation.Requests;

/// <summary>
/// One input of a request, as plain data. Exactly one of <see cref="Text"/>, <see cref="Tokens"/> or <see cref="Pixels"/> is set:
/// <list type="bullet">
/// <item><see cref="Text"/>: a text condition built like the reference's <c>custom_text</c>; end it with <c>[EOS]</c> for a
/// complete text or with a sentinel (<c>… [S_1]</c>) for a span-masked one the model may continue.</item>
/// <item><see cref="Tokens"/>: fully visible tokens (image tokens, or a sequence that ends at its first <c>[EOS]</c>); with
/// <see cref="Holes"/>, an in-painting target whose holes are generated.</item>
/// <item><see cref="Pixels"/>: (C,H,W) normalised pixels for a pixel modality such as <c>rgb@224</c>.</item>
/// </list>
/// </summary>
public sealed record GenerationInput
{
    public required string Modality { get; init; }
    public string? Text { get; init; }
    /// <summary>Length of the masked target block that follows a text condition (the reference's <c>target_max_len</c>).</summary>
    public int TextTargetLength { get; init; } = 50;
    public long[]? Tokens { get; init; }
    /// <summary>In-painting: true where the token is to be generated.</summary>
    public bool[]? Holes { get; init; }
    public float[]? Pixels { get; init; }
    public int[]? PixelShape { get; init; }
}
