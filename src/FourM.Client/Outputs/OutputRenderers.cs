using FourM.Grains.Interfaces.Sessions;

namespace FourM.Client.Outputs;

/// <summary>The text decoders and image renderers a client knows; outputs no renderer handles stay token ids.</summary>
public sealed class OutputRenderers(IEnumerable<ITextOutputDecoder> textDecoders, IEnumerable<IImageOutputRenderer> imageRenderers)
{
    private readonly IReadOnlyList<ITextOutputDecoder> _text = textDecoders.ToList();
    private readonly IReadOnlyList<IImageOutputRenderer> _images = imageRenderers.ToList();

    public static OutputRenderers None { get; } = new([], []);

    public bool CanDecodeText(string modality) => _text.Any(d => d.Handles(modality));
    public bool CanRenderPng(string modality) => _images.Any(r => r.Handles(modality));

    /// <summary>The decoded text, or null when no decoder handles the modality.</summary>
    public string? DecodeText(ModalityOutput output) => _text.FirstOrDefault(d => d.Handles(output.Modality))?.Decode(output.Tokens);

    /// <summary>PNG bytes, or null when no renderer handles the modality.</summary>
    public async Task<byte[]?> RenderPngAsync(ModalityOutput output, CancellationToken cancellationToken = default) =>
        _images.FirstOrDefault(r => r.Handles(output.Modality)) is { } renderer ? await renderer.RenderPngAsync(output, cancellationToken) : null;
}
