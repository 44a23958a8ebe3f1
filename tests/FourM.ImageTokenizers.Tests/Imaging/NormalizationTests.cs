using FourM.ImageTokenizers.Imaging;
using Xunit;

namespace FourM.ImageTokenizers.Tests.Imaging;

public sealed class NormalizationTests
{
    [Theory]
    [InlineData(640, 480, 80, 0, 480)]
    [InlineData(480, 640, 0, 80, 480)]
    [InlineData(5, 2, 2, 0, 2)]     // (5 − 2)/2 = 1.5 rounds half to even → 2
    [InlineData(2, 7, 0, 2, 2)]     // 2.5 → 2
    [InlineData(224, 224, 0, 0, 224)]
    public void Center_crop_box_rounds_like_torchvision(int width, int height, int left, int top, int side) =>
        Assert.Equal((left, top, side), CenterCrop.SquareBox(width, height));

    [Fact]
    public void Center_crop_keeps_the_middle_columns()
    {
        var image = new ByteImage(4, 2, 1, [1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Equal([2, 3, 6, 7], CenterCrop.Square(image).Pixels);
    }

    [Fact]
    public void ImageNet_standardisation_per_channel()
    {
        var pixel = new ByteImage(1, 1, 3, [255, 0, 128]);
        var values = ModalityNormalization.ImageNet(pixel);
        Assert.Equal((1 - 0.485) / 0.229, values[0], 5);
        Assert.Equal((0 - 0.456) / 0.224, values[1], 5);
        Assert.Equal((128 / 255.0 - 0.406) / 0.225, values[2], 5);
    }

    [Fact]
    public void Signed_unit_maps_bytes_to_minus_one_one_channel_major()
    {
        var image = new ByteImage(2, 1, 3, [0, 255, 51, 255, 0, 102]);
        var values = ModalityNormalization.SignedUnit(image);
        // Channel-major: R of both pixels, then G, then B.
        Assert.Equal([-1f, 1f, 1f, -1f, 51 / 127.5f - 1, 102 / 127.5f - 1], values, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void Truncated_depth_standardisation_uses_the_middle_eighty_percent()
    {
        // Ten values 1..10: ranks 1..8 are kept (2..9): mean 5.5, unbiased variance 6.
        var depth = Enumerable.Range(1, 10).Select(i => (float)i).Reverse().ToArray();
        var standardized = ModalityNormalization.TruncatedDepthStandardization(depth);
        var scale = Math.Sqrt(6 + 1e-6);
        Assert.Equal((10 - 5.5) / scale, standardized[0], 5);
        Assert.Equal((1 - 5.5) / scale, standardized[9], 5);
    }

    [Fact]
    public void Depth_reads_sixteen_bit_as_a_fraction_of_65535()
    {
        var depth = new UInt16Image(2, 1, [0, 65535]);
        Assert.Equal([0f, 1f], ModalityNormalization.DepthToUnit(depth));
    }

    [Fact]
    public void Nearest_resize_never_invents_class_ids()
    {
        var labels = new ByteImage(3, 1, 1, [4, 9, 17]);
        var up = NearestResampler.Resize(labels, 7, 2);
        Assert.All(up.Pixels, p => Assert.Contains(p, new byte[] { 4, 9, 17 }));
        Assert.Equal([4, 4, 9, 9, 9, 17, 17], up.Pixels.Take(7));
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
