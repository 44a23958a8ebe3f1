using System.Buffers.Binary;
using FourM.ImageTokenizers.Imaging;
using Xunit;

namespace FourM.ImageTokenizers.Tests.Imaging;

/// <summary>
/// Thousands of malformed uploads, generated from a seeded RNG: byte flips and truncations of valid PNG/JPEG/WebP,
/// headers forged to declare gigapixel sizes, GIF/BMP/TIFF, random bytes. Each must either decode within the limits or
/// fail with an <see cref="ImageDecodeException"/> — never another exception — and forged sizes must be caught from the
/// header, before any pixels are allocated.
/// </summary>
public sealed class ImageFuzzTests
{
    // Tight limits keep a header flip that declares, say, 30000×1000 from making one case slow.
    private static readonly ImageLimits Limits = new(MaxBytes: 1 << 20, MaxPixels: 1_000_000, MaxSide: 4096);

    [Fact]
    public void Malformed_images_fail_with_typed_errors_only()
    {
        var decoder = new SafeImageDecoder(Limits);
        var random = new Random(20261128);
        var valid = ValidImages();
        var others = new[] { "gif", "bmp", "tiff" }.Select(f => { using var i = TestImages.Gradient(24, 16); return TestImages.Encode(i, f); }).ToArray();
        var failures = new Dictionary<ImageDecodeFailure, int>();
        var decodedCount = 0;
        const int cases = 4000;
        for (var n = 0; n < cases; n++)
        {
            var (description, bytes) = Mutate(random, valid, others);
            try
            {
                var image = decoder.DecodeRgb(bytes);
                Assert.True((long)image.Width * image.Height <= Limits.MaxPixels, $"case {n} ({description}) decoded beyond the limits");
                decodedCount++;
            }
            catch (ImageDecodeException ex)
            {
                failures[ex.Failure] = failures.GetValueOrDefault(ex.Failure) + 1;
            }
            catch (Exception ex)
            {
                Assert.Fail($"case {n} ({description}): untyped {ex.GetType().Name}: {ex.Message}");
            }
        }
        // The generator really exercises every refusal path.
        Assert.True(failures.GetValueOrDefault(ImageDecodeFailure.Corrupt) > 100, "too few corrupt cases");
        Assert.True(failures.GetValueOrDefault(ImageDecodeFailure.UnsupportedFormat) > 100, "too few wrong-format cases");
        Assert.True(failures.GetValueOrDefault(ImageDecodeFailure.DimensionsTooLarge) > 100, "too few forged-size cases");
        Assert.True(decodedCount > 0);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    [InlineData("webp")]
    [InlineData("webp-vp8x")]
    public void Forged_gigapixel_headers_are_refused_from_the_header(string format)
    {
        var bytes = Forge(format, ValidImages()[format == "webp-vp8x" ? "webp" : format], 100_000, 100_000);
        var error = Assert.Throws<ImageDecodeException>(() => new SafeImageDecoder(Limits).DecodeRgb(bytes));
        Assert.Equal(ImageDecodeFailure.DimensionsTooLarge, error.Failure);
    }

    [Fact]
    public void Animated_webp_is_refused()
    {
        var bytes = Forge("webp-vp8x", ValidImages()["webp"], 16, 16, animated: true);
        Assert.Equal(ImageDecodeFailure.Animated, Assert.Throws<ImageDecodeException>(() => new SafeImageDecoder(Limits).DecodeRgb(bytes)).Failure);
    }

    private static Dictionary<string, byte[]> ValidImages()
    {
        using var image = TestImages.Gradient(24, 16);
        return new Dictionary<string, byte[]>
        {
            ["png"] = TestImages.Encode(image, "png"),
            ["jpeg"] = TestImages.Encode(image, "jpeg"),
            ["webp"] = TestImages.Encode(image, "webp"),
            ["webp-lossy"] = TestImages.Encode(image, "webp-lossy"),
        };
    }

    private static (string, byte[]) Mutate(Random random, Dictionary<string, byte[]> valid, byte[][] others)
    {
        var formats = valid.Keys.ToArray();
        var format = formats[random.Next(formats.Length)];
        var source = valid[format];
        switch (random.Next(7))
        {
            case 0:
            case 1:
                var flipped = (byte[])source.Clone();
                var flips = 1 + random.Next(8);
                for (var i = 0; i < flips; i++) flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                return ($"{format} with {flips} bit flips", flipped);
            case 2:
                return ($"{format} truncated", source[..random.Next(source.Length)]);
            case 3:
                var both = source[..(source.Length / 2 + random.Next(source.Length / 2))];
                both[random.Next(both.Length)] ^= 0xFF;
                return ($"{format} truncated and flipped", both);
            case 4:
                var size = random.Next(2) == 0 ? 100_000 : 20_000 + random.Next(80_000);
                var forgeable = new[] { "png", "jpeg", "webp", "webp-vp8x" };
                var kind = forgeable[random.Next(forgeable.Length)];
                return ($"{kind} forged to {size}×{size}", Forge(kind, valid[kind == "webp-vp8x" ? "webp" : kind], size, size));
            case 5:
                var other = (byte[])others[random.Next(others.Length)].Clone();
                if (random.Next(2) == 0) other[random.Next(other.Length)] ^= 0x5A;
                return ("GIF/BMP/TIFF", other);
            default:
                var noise = new byte[random.Next(1, 512)];
                random.NextBytes(noise);
                // Sometimes random data behind a valid signature, so decoders (not just the sniffer) see it.
                if (random.Next(2) == 0) source.AsSpan(0, Math.Min(16, noise.Length)).CopyTo(noise);
                return ("random bytes", noise);
        }
    }

    /// <summary>Rewrites the declared width and height (PNG IHDR with a valid CRC, JPEG SOF, WebP VP8L or a VP8X wrapper).</summary>
    private static byte[] Forge(string format, byte[] source, int width, int height, bool animated = false)
    {
        var bytes = (byte[])source.Clone();
        switch (format)
        {
            case "png":
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), PngCrc(bytes.AsSpan(12, 17)));
                return bytes;
            case "jpeg":
                for (var i = 2; i + 9 < bytes.Length; i++)
                    if (bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC1 or 0xC2)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), (ushort)Math.Min(height, 65535));
                        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), (ushort)Math.Min(width, 65535));
                        return bytes;
                    }
                throw new InvalidOperationException("no SOF marker");
            case "webp":
                // VP8L: signature 0x2F, then 14 bits width−1 and 14 bits height−1 (at most 16384 each).
                if (!bytes.AsSpan(12, 4).SequenceEqual("VP8L"u8)) throw new InvalidOperationException("expected a VP8L WebP");
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(21));
                var w = (uint)Math.Min(width, 16384) - 1;
                var h = (uint)Math.Min(height, 16384) - 1;
                bits = (bits & 0xF000_0000) | w | (h << 14);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(21), bits);
                return bytes;
            case "webp-vp8x":
                // Wrap the image chunk in an extended header declaring the canvas size (24-bit width−1, height−1).
                var chunk = new byte[18];
                "VP8X"u8.CopyTo(chunk);
                BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), 10);
                chunk[8] = animated ? (byte)0x02 : (byte)0;
                WriteUInt24(chunk.AsSpan(12), width - 1);
                WriteUInt24(chunk.AsSpan(15), height - 1);
                var body = bytes.AsSpan(12).ToArray();
                var result = new byte[12 + chunk.Length + body.Length];
                bytes.AsSpan(0, 12).CopyTo(result);
                chunk.CopyTo(result, 12);
                body.CopyTo(result, 12 + chunk.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(result.Length - 8));
                return result;
            default:
                throw new ArgumentException(format);
        }
    }

    /// <summary>The CRC-32 (polynomial 0xEDB88320) PNG chunks carry over their type and data.</summary>
    private static uint PngCrc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFF_FFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB8_8320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static void WriteUInt24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }
}
