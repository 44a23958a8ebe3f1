using FourM.Grains.Interfaces.Sessions;

namespace FourM.Client.Outputs;

/// <summary>Turns an image-like modality's token grid into PNG bytes (e.g. a VQ detokenizer for <c>tok_rgb@224</c>).</summary>
public interface IImageOutputRenderer
{
    bool Handles(string modality);
    Task<byte[]> RenderPngAsync(ModalityOutput output, CancellationToken cancellationToken = default);
}
