using Orleans.Concurrency;

namespace FourM.Grains.Interfaces.Imaging;

/// <summary>
/// Image tokenizer work on one device (key: <see cref="Devices.DeviceAddress"/>), run by the device engine on the same
/// thread as the model and batched per tokenizer with other sessions' requests. Images and PNGs cross the cluster as
/// encoded bytes; tensors never leave the device's silo.
/// </summary>
[Alias("fourm.IImageTokenizerGrain")]
public interface IImageTokenizerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Decodes an encoded image (PNG, JPEG or WebP) and tokenizes it with the tokenizer of <paramref name="modality"/>
    /// (e.g. <c>tok_semseg@224</c>); returns the row-major token grid. A malformed image fails with an
    /// <see cref="ArgumentException"/> that says why.
    /// </summary>
    Task<long[]> Tokenize(string sessionId, string modality, [Immutable] byte[] image, CancellationToken cancellationToken = default);

    /// <summary>Decodes 4M's <c>rgb@224</c> pixel input (ImageNet-normalised, C·H·W) from an encoded image; no tokenizer is involved.</summary>
    Task<float[]> PrepareModelPixels([Immutable] byte[] image, int size);

    /// <summary>
    /// Detokenizes a token grid of <paramref name="modality"/> (seeded DDPM with <paramref name="steps"/> steps for
    /// diffusion decoders) and renders it as a PNG.
    /// </summary>
    Task<byte[]> RenderPng(string sessionId, string modality, long[] tokens, int steps, long seed, CancellationToken cancellationToken = default);
}
