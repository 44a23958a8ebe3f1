namespace FourM.ImageTokenizers.Imaging;

/// <summary>
/// Pillow's <c>Image.resize(size, BICUBIC)</c>, the filter the reference preprocessing uses (bicubic, a = -0.5, with
/// antialias: the kernel widens by the downscale factor). Separable: a horizontal pass then a vertical pass, each skipped
/// when that side keeps its size. 8-bit images use Pillow's 22-bit fixed-point coefficients and rounding, so results
/// match Pillow byte for byte; float maps use its double-precision path ("F" mode).
/// </summary>
public static class PilBicubicResampler
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double Support = 2.0;

    public static ByteImage Resize(ByteImage source, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"target size {width}×{height} must be positive");
        var image = source;
        if (width != image.Width) image = HorizontalBytes(image, width);
        if (height != image.Height) image = VerticalBytes(image, height);
        return ReferenceEquals(image, source) ? source with { Pixels = (byte[])source.Pixels.Clone() } : image;
    }

    /// <summary>Resizes a single-channel float map (row-major, <paramref name="sourceWidth"/> × <paramref name="sourceHeight"/>).</summary>
    public static float[] Resize(float[] source, int sourceWidth, int sourceHeight, int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"target size {width}×{height} must be positive");
        var values = source;
        var currentWidth = sourceWidth;
        if (width != sourceWidth)
        {
            var (bounds, weights, kernelSize) = Coefficients(sourceWidth, width);
            var output = new float[width * sourceHeight];
            for (var y = 0; y < sourceHeight; y++)
                for (var x = 0; x < width; x++)
                {
                    double sum = 0;
                    for (var k = 0; k < bounds[2 * x + 1]; k++) sum += values[y * sourceWidth + bounds[2 * x] + k] * weights[x * kernelSize + k];
                    output[y * width + x] = (float)sum;
                }
            values = output;
            currentWidth = width;
        }
        if (height != sourceHeight)
        {
            var (bounds, weights, kernelSize) = Coefficients(sourceHeight, height);
            var output = new float[currentWidth * height];
            for (var y = 0; y < height; y++)
                for (var x = 0; x < currentWidth; x++)
                {
                    double sum = 0;
                    for (var k = 0; k < bounds[2 * y + 1]; k++) sum += values[(bounds[2 * y] + k) * currentWidth + x] * weights[y * kernelSize + k];
                    output[y * currentWidth + x] = (float)sum;
                }
            values = output;
        }
        return ReferenceEquals(values, source) ? (float[])source.Clone() : values;
    }

    /// <summary>Pillow's bicubic kernel with a = -0.5.</summary>
    public static double Kernel(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary>Per output pixel: first source index and tap count (bounds), and normalised tap weights.</summary>
    internal static (int[] Bounds, double[] Weights, int KernelSize) Coefficients(int inSize, int outSize)
    {
        var scale = inSize / (double)outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = Support * filterScale;
        var kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var weights = new double[outSize * kernelSize];
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var inverse = 1.0 / filterScale;
            // C casts truncate toward zero; so does C#.
            var xmin = Math.Max((int)(center - support + 0.5), 0);
            var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            double total = 0;
            for (var x = 0; x < xmax; x++)
            {
                var w = Kernel((x + xmin - center + 0.5) * inverse);
                weights[xx * kernelSize + x] = w;
                total += w;
            }
            if (total != 0)
                for (var x = 0; x < xmax; x++) weights[xx * kernelSize + x] /= total;
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return (bounds, weights, kernelSize);
    }

    private static int[] FixedPoint(double[] weights) =>
        weights.Select(w => w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits))).ToArray();

    private static byte Clip8(int value)
    {
        if (value >= 1 << PrecisionBits << 8) return 255;
        if (value <= 0) return 0;
        return (byte)(value >> PrecisionBits);
    }

    private static ByteImage HorizontalBytes(ByteImage source, int width)
    {
        var (bounds, weights, kernelSize) = Coefficients(source.Width, width);
        var fixedWeights = FixedPoint(weights);
        var channels = source.Channels;
        var output = new byte[width * source.Height * channels];
        for (var y = 0; y < source.Height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < channels; c++)
                {
                    var sum = 1 << (PrecisionBits - 1);
                    for (var k = 0; k < bounds[2 * x + 1]; k++)
                        sum += source.Pixels[(y * source.Width + bounds[2 * x] + k) * channels + c] * fixedWeights[x * kernelSize + k];
                    output[(y * width + x) * channels + c] = Clip8(sum);
                }
        return new ByteImage(width, source.Height, channels, output);
    }

    private static ByteImage VerticalBytes(ByteImage source, int height)
    {
        var (bounds, weights, kernelSize) = Coefficients(source.Height, height);
        var fixedWeights = FixedPoint(weights);
        var channels = source.Channels;
        var output = new byte[source.Width * height * channels];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < source.Width; x++)
                for (var c = 0; c < channels; c++)
                {
                    var sum = 1 << (PrecisionBits - 1);
                    for (var k = 0; k < bounds[2 * y + 1]; k++)
                        sum += source.Pixels[((bounds[2 * y] + k) * source.Width + x) * channels + c] * fixedWeights[y * kernelSize + k];
                    output[(y * source.Width + x) * channels + c] = Clip8(sum);
                }
        return new ByteImage(source.Width, height, channels, output);
    }
}
