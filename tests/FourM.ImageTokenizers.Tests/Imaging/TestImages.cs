using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace FourM.ImageTokenizers.Tests.Imaging;

/// <summary>Small valid images built in the test (no files): a smooth gradient so decoders have real content.</summary>
internal static class TestImages
{
    public static Image<Rgb24> Gradient(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 255 / Math.Max(1, width - 1)), (byte)(y * 255 / Math.Max(1, height - 1)), (byte)((x + y) * 7));
        return image;
    }

    public static byte[] Encode(Image image, string format)
    {
        using var stream = new MemoryStream();
        switch (format)
        {
            case "png": image.SaveAsPng(stream, new PngEncoder()); break;
            case "jpeg": image.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 }); break;
            case "webp": image.SaveAsWebp(stream, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }); break;
            case "webp-lossy": image.SaveAsWebp(stream, new WebpEncoder { FileFormat = WebpFileFormatType.Lossy }); break;
            case "gif": image.SaveAsGif(stream); break;
            case "bmp": image.SaveAsBmp(stream); break;
            case "tiff": image.SaveAsTiff(stream); break;
            default: throw new ArgumentException(format);
        }
        return stream.ToArray();
    }
}
