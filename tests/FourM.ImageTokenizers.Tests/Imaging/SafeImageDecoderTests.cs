using FourM.ImageTokenizers.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using Xunit;

namespace FourM.ImageTokenizers.Tests.Imaging;

public sealed class SafeImageDecoderTests
{
    private readonly SafeImageDecoder _decoder = new();

    [Theory]
    [InlineData("png")]
    [InlineData("webp")]
    public void Lossless_formats_decode_to_the_exact_pixels(string format)
    {
        using var image = TestImages.Gradient(9, 5);
        var decoded = _decoder.DecodeRgb(TestImages.Encode(image, format));
        Assert.Equal((9, 5, 3), (decoded.Width, decoded.Height, decoded.Channels));
        Assert.Equal(image[8, 4].R, decoded[8, 4, 0]);
        Assert.Equal(image[3, 2].G, decoded[3, 2, 1]);
        Assert.Equal(image[6, 1].B, decoded[6, 1, 2]);
    }

    [Fact]
    public void Jpeg_decodes_close_to_the_source()
    {
        using var image = TestImages.Gradient(32, 16);
        var decoded = _decoder.DecodeRgb(TestImages.Encode(image, "jpeg"));
        Assert.Equal((32, 16), (decoded.Width, decoded.Height));
        Assert.InRange(Math.Abs(decoded[20, 10, 0] - image[20, 10].R), 0, 12);
    }

    [Fact]
    public void Exif_orientation_is_applied()
    {
        using var image = TestImages.Gradient(8, 4);
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6); // rotate 90° clockwise to display
        var decoded = _decoder.DecodeRgb(TestImages.Encode(image, "png"));
        Assert.Equal((4, 8), (decoded.Width, decoded.Height));
    }

    [Theory]
    [InlineData("gif", "GIF")]
    [InlineData("bmp", "BMP")]
    [InlineData("tiff", "TIFF")]
    public void Other_formats_are_refused_by_name(string format, string name)
    {
        using var image = TestImages.Gradient(4, 4);
        var error = Assert.Throws<ImageDecodeException>(() => _decoder.DecodeRgb(TestImages.Encode(image, format)));
        Assert.Equal(ImageDecodeFailure.UnsupportedFormat, error.Failure);
        Assert.Contains(name, error.Message);
    }

    [Fact]
    public void Empty_and_oversized_inputs_are_refused_before_decoding()
    {
        Assert.Equal(ImageDecodeFailure.Empty, Assert.Throws<ImageDecodeException>(() => _decoder.DecodeRgb([])).Failure);
        var small = new SafeImageDecoder(new ImageLimits(MaxBytes: 100));
        using var image = TestImages.Gradient(32, 32);
        var error = Assert.Throws<ImageDecodeException>(() => small.DecodeRgb(TestImages.Encode(image, "png")));
        Assert.Equal(ImageDecodeFailure.TooManyBytes, error.Failure);
    }

    [Fact]
    public void Dimensions_beyond_the_limits_are_refused()
    {
        var strict = new SafeImageDecoder(new ImageLimits(MaxPixels: 100, MaxSide: 64));
        using var wide = TestImages.Gradient(65, 1);
        using var big = TestImages.Gradient(11, 10);
        Assert.Equal(ImageDecodeFailure.DimensionsTooLarge, Assert.Throws<ImageDecodeException>(() => strict.DecodeRgb(TestImages.Encode(wide, "png"))).Failure);
        Assert.Equal(ImageDecodeFailure.DimensionsTooLarge, Assert.Throws<ImageDecodeException>(() => strict.DecodeRgb(TestImages.Encode(big, "png"))).Failure);
    }

    [Fact]
    public void Sixteen_bit_grey_png_keeps_its_depth_values()
    {
        using var depth = new Image<SixLabors.ImageSharp.PixelFormats.L16>(2, 1);
        depth[0, 0] = new SixLabors.ImageSharp.PixelFormats.L16(1234);
        depth[1, 0] = new SixLabors.ImageSharp.PixelFormats.L16(65000);
        using var stream = new MemoryStream();
        depth.SaveAsPng(stream);
        Assert.Equal([1234, 65000], _decoder.DecodeGray16(stream.ToArray()).Pixels);
    }
}
