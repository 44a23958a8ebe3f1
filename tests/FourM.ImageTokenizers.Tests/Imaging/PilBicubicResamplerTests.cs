using FourM.ImageTokenizers.Imaging;
using Xunit;

namespace FourM.ImageTokenizers.Tests.Imaging;

public sealed class PilBicubicResamplerTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.5625)]   // (1.5·0.5 − 2.5)·0.25 + 1
    [InlineData(1.0, 0.0)]
    [InlineData(1.5, -0.0625)]  // (((1.5 − 5)·1.5 + 8)·1.5 − 4)·(−0.5)
    [InlineData(-1.5, -0.0625)]
    [InlineData(2.0, 0.0)]
    public void Kernel_is_bicubic_with_a_minus_half(double x, double expected) =>
        Assert.Equal(expected, PilBicubicResampler.Kernel(x), 12);

    [Fact]
    public void Halving_a_row_uses_the_widened_antialias_kernel()
    {
        // 4 → 2: scale 2, support 4. Output 0 is centred at 1.0 and reads pixels 0..3 with kernel(±0.25, 0.75, 1.25)
        // = 0.8671875, 0.8671875, 0.2265625, −0.0703125 (sum 1.890625):
        // (100·0.8671875 + 200·0.2265625 − 255·0.0703125) / 1.890625 = 60.35 → 60.
        // Output 1 (centre 3.0): (100·0.2265625 + (200 + 255)·0.8671875) / 1.890625 = 220.68 → 221.
        var row = new ByteImage(4, 1, 1, [0, 100, 200, 255]);
        var resized = PilBicubicResampler.Resize(row, 2, 1);
        Assert.Equal([60, 221], resized.Pixels);
    }

    [Fact]
    public void Same_size_is_a_copy()
    {
        var image = new ByteImage(2, 2, 3, Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray());
        var resized = PilBicubicResampler.Resize(image, 2, 2);
        Assert.Equal(image.Pixels, resized.Pixels);
        Assert.NotSame(image.Pixels, resized.Pixels);
    }

    [Fact]
    public void Constant_image_stays_constant_through_down_and_upscaling()
    {
        var image = new ByteImage(37, 23, 3, Enumerable.Repeat((byte)173, 37 * 23 * 3).ToArray());
        Assert.All(PilBicubicResampler.Resize(image, 11, 7).Pixels, p => Assert.Equal(173, p));
        Assert.All(PilBicubicResampler.Resize(image, 80, 50).Pixels, p => Assert.Equal(173, p));
    }

    [Fact]
    public void Overshoot_is_clipped_to_the_byte_range()
    {
        // A hard edge upscaled with a negative-lobe kernel overshoots; Pillow clips to [0, 255].
        var edge = new ByteImage(4, 1, 1, [0, 0, 255, 255]);
        var resized = PilBicubicResampler.Resize(edge, 16, 1);
        Assert.Equal(0, resized.Pixels.Min());
        Assert.Equal(255, resized.Pixels.Max());
        Assert.True(resized.Pixels.SequenceEqual(resized.Pixels.Order()), "a monotone edge stays monotone after clipping");
    }

    [Fact]
    public void Float_path_matches_the_normalised_weights()
    {
        var resized = PilBicubicResampler.Resize([0f, 100f, 200f, 255f], 4, 1, 2, 1);
        Assert.Equal((100 * 0.8671875 + 200 * 0.2265625 - 255 * 0.0703125) / 1.890625, resized[0], 4);
        Assert.Equal((100 * 0.2265625 + 455 * 0.8671875) / 1.890625, resized[1], 4);
    }
}
