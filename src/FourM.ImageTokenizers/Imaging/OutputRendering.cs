namespace FourM.ImageTokenizers.Imaging;

/// <summary>
/// Decoder outputs → viewable 8-bit images, as the reference's <c>plotting_utils.decode_*</c> present them: RGB and
/// normals ×0.5+0.5, edges 0.5·(x+1) (all clamped to [0, 1]); depth min-max normalised per image then turbo-coloured;
/// segmentation logits argmax'ed and painted with <see cref="SegmentationPalette"/>.
/// </summary>
public static class OutputRendering
{
    public static RenderedImage Render(DecodedMap map, ImageModality modality)
    {
        var (image, legend) = modality switch
        {
            ImageModality.Rgb or ImageModality.SurfaceNormal => (Unsigned(map), []),
            ImageModality.Edge => (Unsigned(map), []),
            ImageModality.Depth => (Depth(map), []),
            ImageModality.Semseg => Segmentation(map),
            _ => throw new ArgumentOutOfRangeException(nameof(modality), modality, "unknown modality"),
        };
        return new RenderedImage(image, PngEncoding.Encode(image), legend);
    }

    /// <summary>[-1, 1] → bytes via 0.5·x + 0.5, clamped, rounded.</summary>
    public static ByteImage Unsigned(DecodedMap map)
    {
        if (map.Channels is not (1 or 3)) throw new ArgumentException($"expected 1 or 3 channels, got {map.Channels}");
        var plane = map.Height * map.Width;
        var pixels = new byte[plane * map.Channels];
        for (var c = 0; c < map.Channels; c++)
            for (var i = 0; i < plane; i++)
                pixels[i * map.Channels + c] = ToByte(map.Values[c * plane + i] * 0.5 + 0.5);
        return new ByteImage(map.Width, map.Height, map.Channels, pixels);
    }

    /// <summary>First channel min-max normalised, then turbo (a constant map renders as the colour of 0).</summary>
    public static ByteImage Depth(DecodedMap map)
    {
        var plane = map.Height * map.Width;
        var depth = map.Values.AsSpan(0, plane);
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var d in depth)
        {
            min = Math.Min(min, d);
            max = Math.Max(max, d);
        }
        var range = max - min;
        var pixels = new byte[plane * 3];
        for (var i = 0; i < plane; i++)
        {
            var (r, g, b) = TurboColormap.Map(range > 0 ? (depth[i] - min) / range : 0);
            pixels[3 * i] = ToByte(r);
            pixels[3 * i + 1] = ToByte(g);
            pixels[3 * i + 2] = ToByte(b);
        }
        return new ByteImage(map.Width, map.Height, 3, pixels);
    }

    /// <summary>Per-pixel argmax over class logits, coloured, plus the classes present ordered by area.</summary>
    public static (ByteImage Image, IReadOnlyList<SegmentationLegendEntry> Legend) Segmentation(DecodedMap logits)
    {
        var plane = logits.Height * logits.Width;
        var classes = new int[plane];
        for (var i = 0; i < plane; i++)
        {
            var best = 0;
            for (var c = 1; c < logits.Channels; c++)
                if (logits.Values[c * plane + i] > logits.Values[best * plane + i]) best = c;
            classes[i] = best;
        }
        return PaintClasses(classes, logits.Width, logits.Height);
    }

    public static (ByteImage Image, IReadOnlyList<SegmentationLegendEntry> Legend) PaintClasses(int[] classes, int width, int height)
    {
        var pixels = new byte[classes.Length * 3];
        var counts = new Dictionary<int, int>();
        for (var i = 0; i < classes.Length; i++)
        {
            var (r, g, b) = SegmentationPalette.Color(classes[i]);
            (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]) = (r, g, b);
            counts[classes[i]] = counts.GetValueOrDefault(classes[i]) + 1;
        }
        var legend = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
            .Select(kv =>
            {
                var (r, g, b) = SegmentationPalette.Color(kv.Key);
                return new SegmentationLegendEntry(kv.Key, r, g, b, kv.Value / (double)classes.Length);
            }).ToList();
        return (new ByteImage(width, height, 3, pixels), legend);
    }

    private static byte ToByte(double unit) => (byte)Math.Round(Math.Clamp(double.IsNaN(unit) ? 0 : unit, 0, 1) * 255);
}
