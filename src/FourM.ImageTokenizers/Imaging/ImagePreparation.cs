namespace FourM.ImageTokenizers.Imaging;

/// <summary>
/// Uploaded bytes → a tokenizer (or 4M pixel) input: safe decode, centre crop to a square, resize to the model's
/// resolution with the reference filter, modality normalisation.
/// </summary>
public sealed class ImagePreparation(SafeImageDecoder decoder)
{
    public ImagePreparation() : this(new SafeImageDecoder()) { }

    /// <summary>Prepares input for an image tokenizer of <paramref name="modality"/> at <paramref name="size"/>×<paramref name="size"/>.</summary>
    public TokenizerInput ForTokenizer(ReadOnlySpan<byte> bytes, ImageModality modality, int size)
    {
        switch (modality)
        {
            case ImageModality.Rgb:
            case ImageModality.SurfaceNormal:
                return Pixels(SquareResized(decoder.DecodeRgb(bytes), size), ModalityNormalization.SignedUnit);
            case ImageModality.Edge:
                return Pixels(SquareResized(decoder.DecodeGray8(bytes), size), ModalityNormalization.SignedUnit);
            case ImageModality.Depth:
                var depth = decoder.DecodeGray16(bytes);
                var square = CenterCrop.Square(ModalityNormalization.DepthToUnit(depth), depth.Width, depth.Height, out var side);
                var resized = PilBicubicResampler.Resize(square, side, side, size, size);
                return TokenizerInput.FromPixels(1, size, size, ModalityNormalization.TruncatedDepthStandardization(resized));
            case ImageModality.Semseg:
                var labels = NearestResampler.Resize(CenterCrop.Square(decoder.DecodeGray8(bytes)), size, size);
                return TokenizerInput.FromClassMap(size, size, labels.Pixels.Select(p => (long)p).ToArray());
            default:
                throw new ArgumentOutOfRangeException(nameof(modality), modality, "unknown modality");
        }
    }

    /// <summary>4M's own <c>rgb@size</c> pixel input (ImageNet mean/std), as the reference demo builds it.</summary>
    public TokenizerInput ForModelRgb(ReadOnlySpan<byte> bytes, int size = 224) =>
        Pixels(SquareResized(decoder.DecodeRgb(bytes), size), ModalityNormalization.ImageNet);

    private static ByteImage SquareResized(ByteImage image, int size) => PilBicubicResampler.Resize(CenterCrop.Square(image), size, size);

    private static TokenizerInput Pixels(ByteImage image, Func<ByteImage, float[]> normalize) =>
        TokenizerInput.FromPixels(image.Channels, image.Height, image.Width, normalize(image));
}
