using FourM.ImageTokenizers.Imaging;
using Xunit;

namespace FourM.ImageTokenizers.Tests.Imaging;

public sealed class OutputRenderingTests
{
    [Fact]
    public void Rgb_maps_minus_one_one_to_bytes_and_clamps()
    {
        // One pixel per value, 1 channel: −1 → 0, 0 → 127.5 → 128, 1 → 255, beyond the range clamps.
        var map = new DecodedMap(1, 1, 5, [-1f, 0f, 1f, -3f, 2f]);
        Assert.Equal([0, 128, 255, 0, 255], OutputRendering.Unsigned(map).Pixels);
    }

    [Fact]
    public void Rgb_output_is_interleaved_from_channel_major()
    {
        var map = new DecodedMap(3, 1, 2, [-1f, 1f, 1f, -1f, 0f, 0f]);
        Assert.Equal([0, 255, 128, 255, 0, 128], OutputRendering.Unsigned(map).Pixels);
    }

    [Fact]
    public void Depth_is_min_max_normalised_before_the_colour_map()
    {
        var map = new DecodedMap(1, 1, 3, [5f, -2f, 12f]);
        var image = OutputRendering.Depth(map);
        var low = TurboColormap.Map(0);
        var high = TurboColormap.Map(1);
        Assert.Equal((byte)Math.Round(low.R * 255), image.Pixels[3]);
        Assert.Equal((byte)Math.Round(high.B * 255), image.Pixels[8]);
        // Turbo starts dark, passes through green in the middle and ends in red.
        var middle = TurboColormap.Map(0.5);
        Assert.True(low.R + low.G + low.B < 0.5);
        Assert.True(middle.G > middle.R && middle.G > middle.B);
        Assert.True(high.R > high.G && high.R > high.B);
    }

    [Fact]
    public void Constant_depth_does_not_divide_by_zero()
    {
        var image = OutputRendering.Depth(new DecodedMap(1, 2, 2, [3f, 3f, 3f, 3f]));
        Assert.Equal(image.Pixels[..3], image.Pixels[9..12]);
    }

    [Fact]
    public void Segmentation_takes_the_argmax_class_and_lists_it_in_the_legend()
    {
        // 3 classes, 2 pixels: pixel 0 → class 2, pixel 1 → class 0.
        var logits = new DecodedMap(3, 1, 2, [0f, 5f, 1f, -1f, 9f, 2f]);
        var rendered = OutputRendering.Render(logits, ImageModality.Semseg);
        var (r, g, b) = SegmentationPalette.Color(2);
        Assert.Equal([r, g, b, 0, 0, 0], rendered.Image.Pixels);
        Assert.Equal([2, 0], rendered.Legend.Select(e => e.ClassId).Order().Reverse());
        Assert.Equal(1.0, rendered.Legend.Sum(e => e.Fraction), 12);
    }

    [Fact]
    public void Palette_colours_are_distinct_for_the_semseg_classes()
    {
        var colours = Enumerable.Range(0, 134).Select(SegmentationPalette.Color).ToList();
        Assert.Equal(134, colours.Distinct().Count());
        Assert.Equal(((byte)0, (byte)0, (byte)0), colours[0]);
    }

    [Fact]
    public void Rendered_png_decodes_back_to_the_same_pixels()
    {
        var map = new DecodedMap(3, 2, 2, Enumerable.Range(0, 12).Select(i => i / 6f - 1).ToArray());
        var rendered = OutputRendering.Render(map, ImageModality.Rgb);
        var decoded = new SafeImageDecoder().DecodeRgb(rendered.Png);
        Assert.Equal(rendered.Image.Pixels, decoded.Pixels);
    }
}
