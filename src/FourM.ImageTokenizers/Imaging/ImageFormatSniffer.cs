namespace FourM.ImageTokenizers.Imaging;

/// <summary>Recognises image containers by their signature bytes, so refusals can name what was sent.</summary>
public static class ImageFormatSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static string? Detect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(PngSignature)) return "PNG";
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return "JPEG";
        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8)) return "WebP";
        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8)) return "GIF";
        if (bytes.StartsWith("BM"u8)) return "BMP";
        if (bytes.StartsWith("II*\0"u8) || bytes.StartsWith("MM\0*"u8)) return "TIFF";
        return null;
    }

    public static bool IsAccepted(string? format) => format is "PNG" or "JPEG" or "WebP";

    /// <summary>
    /// True for a WebP whose extended header (VP8X) sets the animation flag. ImageSharp would decode every frame, each a
    /// full-size allocation, so animations are refused before decoding.
    /// </summary>
    /// <summary>
    /// The canvas size a WebP extended header (VP8X) declares, or null without one. Decoders may size buffers from it
    /// rather than from the image chunk, so it is checked against the limits too.
    /// </summary>
    public static (int Width, int Height)? WebpCanvas(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 30 && bytes[12..16].SequenceEqual("VP8X"u8)
            ? (1 + (bytes[24] | bytes[25] << 8 | bytes[26] << 16), 1 + (bytes[27] | bytes[28] << 8 | bytes[29] << 16))
            : null;

    public static bool IsAnimatedWebp(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 21 && bytes[12..16].SequenceEqual("VP8X"u8) && (bytes[20] & 0x02) != 0;
}
