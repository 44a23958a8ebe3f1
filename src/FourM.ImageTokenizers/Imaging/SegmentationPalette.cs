namespace FourM.ImageTokenizers.Imaging;

/// <summary>One class present in a rendered segmentation: its id, colour and share of the pixels.</summary>
public sealed record SegmentationLegendEntry(int ClassId, byte R, byte G, byte B, double Fraction);

/// <summary>
/// Deterministic, well-separated class colours (golden-angle hues at alternating lightness); class 0 — "no label" in
/// 4M's semseg tokenizer — is black.
/// </summary>
public static class SegmentationPalette
{
    public static (byte R, byte G, byte B) Color(int classId)
    {
        if (classId <= 0) return (0, 0, 0);
        var hue = classId * 137.50776405 % 360;
        var saturation = classId % 2 == 0 ? 0.65 : 0.85;
        var value = classId % 3 == 0 ? 0.75 : 0.95;
        return FromHsv(hue, saturation, value);
    }

    private static (byte, byte, byte) FromHsv(double hue, double saturation, double value)
    {
        var chroma = value * saturation;
        var sector = hue / 60;
        var x = chroma * (1 - Math.Abs(sector % 2 - 1));
        var (r, g, b) = (int)sector switch
        {
            0 => (chroma, x, 0.0),
            1 => (x, chroma, 0.0),
            2 => (0.0, chroma, x),
            3 => (0.0, x, chroma),
            4 => (x, 0.0, chroma),
            _ => (chroma, 0.0, x),
        };
        var m = value - chroma;
        static byte ToByte(double v) => (byte)Math.Round(Math.Clamp(v, 0, 1) * 255);
        return (ToByte(r + m), ToByte(g + m), ToByte(b + m));
    }
}
