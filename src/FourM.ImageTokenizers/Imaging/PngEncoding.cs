using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace FourM.ImageTokenizers.Imaging;

/// <summary>8-bit images → PNG bytes (RGB or grey), for the CLI and the SDK.</summary>
public static class PngEncoding
{
    public static byte[] Encode(ByteImage image)
    {
        using var stream = new MemoryStream();
        switch (image.Channels)
        {
            case 3:
                using (var rgb = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height)) rgb.SaveAsPng(stream, new PngEncoder());
                break;
            case 1:
                using (var grey = Image.LoadPixelData<L8>(image.Pixels, image.Width, image.Height)) grey.SaveAsPng(stream, new PngEncoder());
                break;
            default:
                throw new ArgumentException($"PNG output needs 1 or 3 channels, got {image.Channels}");
        }
        return stream.ToArray();
    }
}
