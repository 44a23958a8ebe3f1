namespace FourM.ImageTokenizers.Imaging;

/// <summary>
/// Bounds on untrusted images, checked before any pixel memory is allocated (decompression bombs declare huge sizes
/// in a few bytes). The defaults admit 40-megapixel photos.
/// </summary>
public sealed record ImageLimits(long MaxBytes = 32L * 1024 * 1024, long MaxPixels = 40_000_000, int MaxSide = 16_384)
{
    public static ImageLimits Default { get; } = new();
}
