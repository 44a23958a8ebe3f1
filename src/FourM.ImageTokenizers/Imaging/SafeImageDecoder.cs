using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using ImageSharpConfiguration = SixLabors.ImageSharp.Configuration;

namespace FourM.ImageTokenizers.Imaging;

/// <summary>
/// Decodes untrusted uploads: PNG, JPEG and WebP only (ImageSharp configured with just those three decoders), byte and
/// pixel limits checked on the header (<c>Image.Identify</c>) before pixels are allocated, animated WebP refused, EXIF
/// orientation applied. Every failure is an <see cref="ImageDecodeException"/>.
/// </summary>
public sealed class SafeImageDecoder
{
    private readonly ImageSharpConfiguration _configuration;

    public SafeImageDecoder(ImageLimits? limits = null)
    {
        Limits = limits ?? ImageLimits.Default;
        _configuration = new ImageSharpConfiguration(new PngConfigurationModule(), new JpegConfigurationModule(), new WebpConfigurationModule())
        {
            // Decoding is not where the time goes; one thread keeps a bad upload from occupying the pool.
            MaxDegreeOfParallelism = 1,
        };
    }

    public ImageLimits Limits { get; }

    /// <summary>Decodes to 8-bit RGB (grey and palette images are expanded, alpha is dropped).</summary>
    public ByteImage DecodeRgb(ReadOnlySpan<byte> bytes)
    {
        using var image = Load<Rgb24>(bytes);
        var pixels = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        return new ByteImage(image.Width, image.Height, 3, pixels);
    }

    /// <summary>Decodes to 8-bit grey (segmentation class maps: one class id per pixel).</summary>
    public ByteImage DecodeGray8(ReadOnlySpan<byte> bytes)
    {
        using var image = Load<L8>(bytes);
        var pixels = new byte[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return new ByteImage(image.Width, image.Height, 1, pixels);
    }

    /// <summary>Decodes to 16-bit grey (depth maps stored as 16-bit PNG).</summary>
    public UInt16Image DecodeGray16(ReadOnlySpan<byte> bytes)
    {
        using var image = Load<L16>(bytes);
        var pixels = new L16[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return new UInt16Image(image.Width, image.Height, pixels.Select(p => p.PackedValue).ToArray());
    }

    private Image<TPixel> Load<TPixel>(ReadOnlySpan<byte> bytes) where TPixel : unmanaged, IPixel<TPixel>
    {
        Validate(bytes);
        try
        {
            var image = Image.Load<TPixel>(_configuration, bytes);
            try
            {
                image.Mutate(x => x.AutoOrient());
                return image;
            }
            catch
            {
                image.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (ex is not ImageDecodeException and not OutOfMemoryException)
        {
            // Any decoder failure on untrusted bytes (format, content, or a decoder bug) is the upload's fault.
            throw new ImageDecodeException(ImageDecodeFailure.Corrupt, $"the image data is corrupt or truncated ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    private void Validate(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) throw new ImageDecodeException(ImageDecodeFailure.Empty, "the image is empty");
        if (bytes.Length > Limits.MaxBytes)
            throw new ImageDecodeException(ImageDecodeFailure.TooManyBytes, $"the image is {bytes.Length} bytes; the limit is {Limits.MaxBytes}");
        var format = ImageFormatSniffer.Detect(bytes);
        if (!ImageFormatSniffer.IsAccepted(format))
            throw new ImageDecodeException(ImageDecodeFailure.UnsupportedFormat,
                $"{(format is null ? "unrecognised data" : format)} is not accepted; send PNG, JPEG or WebP");
        if (format == "WebP" && ImageFormatSniffer.IsAnimatedWebp(bytes))
            throw new ImageDecodeException(ImageDecodeFailure.Animated, "animated WebP is not accepted; send a single frame");
        if (format == "WebP" && ImageFormatSniffer.WebpCanvas(bytes) is var (canvasWidth, canvasHeight))
            CheckDimensions(canvasWidth, canvasHeight);
        IImageInfo? info;
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            info = Image.Identify(_configuration, stream);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ImageDecodeException(ImageDecodeFailure.Corrupt, $"the {format} header is corrupt ({ex.GetType().Name}: {ex.Message})", ex);
        }
        if (info is null) throw new ImageDecodeException(ImageDecodeFailure.Corrupt, $"the {format} header could not be read");
        var (width, height) = (info.Width, info.Height);
        if (width <= 0 || height <= 0)
            throw new ImageDecodeException(ImageDecodeFailure.Corrupt, $"the {format} header declares {width}×{height} pixels");
        CheckDimensions(width, height);
    }

    private void CheckDimensions(int width, int height)
    {
        if (width > Limits.MaxSide || height > Limits.MaxSide || (long)width * height > Limits.MaxPixels)
            throw new ImageDecodeException(ImageDecodeFailure.DimensionsTooLarge,
                $"the image is {width}×{height}; the limits are {Limits.MaxSide} per side and {Limits.MaxPixels} pixels");
    }
}
