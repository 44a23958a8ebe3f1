namespace FourM.ImageTokenizers.Imaging;

/// <summary>Why an uploaded image was refused.</summary>
public enum ImageDecodeFailure
{
    /// <summary>No bytes.</summary>
    Empty,
    /// <summary>More bytes than <see cref="ImageLimits.MaxBytes"/>.</summary>
    TooManyBytes,
    /// <summary>Not PNG, JPEG or WebP (GIF, BMP, TIFF and anything unrecognised).</summary>
    UnsupportedFormat,
    /// <summary>Declared width/height beyond <see cref="ImageLimits"/>.</summary>
    DimensionsTooLarge,
    /// <summary>An animated WebP (one frame per allocation; refused).</summary>
    Animated,
    /// <summary>Recognised format, but the data is truncated or malformed.</summary>
    Corrupt,
}

/// <summary>An image that cannot be accepted; <see cref="Failure"/> says why, the message says it for a user.</summary>
public sealed class ImageDecodeException(ImageDecodeFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public ImageDecodeFailure Failure { get; } = failure;
}
