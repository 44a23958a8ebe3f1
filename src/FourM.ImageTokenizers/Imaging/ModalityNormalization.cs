namespace FourM.ImageTokenizers.Imaging;

/// <summary>
/// Pixel normalisations of the reference data pipeline (<c>fourm/data/modality_transforms.py</c>), on 8-bit
/// interleaved images, producing channel-major float32 (what <c>to_tensor</c> + <c>normalize</c> produce).
/// </summary>
public static class ModalityNormalization
{
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];
    private static readonly float[] Half = [0.5f, 0.5f, 0.5f];

    /// <summary>4M's own <c>rgb@224</c> input: (x/255 − mean)/std with ImageNet statistics.</summary>
    public static float[] ImageNet(ByteImage image) => Standardize(image, ImageNetMean, ImageNetStd);

    /// <summary>Tokenizer inputs (RGB, normals, edges): (x/255 − 0.5)/0.5, i.e. [-1, 1].</summary>
    public static float[] SignedUnit(ByteImage image) => Standardize(image, Half, Half);

    /// <summary>
    /// Depth: d/65535, then the reference's truncated standardisation — mean and (unbiased) variance of the values
    /// between the 10% and 90% ranks, (d − μ)/√(σ² + 1e-6).
    /// </summary>
    public static float[] TruncatedDepthStandardization(float[] depth, double threshold = 0.1)
    {
        if (depth.Length == 0) return [];
        var sorted = (float[])depth.Clone();
        Array.Sort(sorted);
        var start = (int)(threshold * sorted.Length);
        var end = (int)((1 - threshold) * sorted.Length);
        if (end - start < 2) (start, end) = (0, sorted.Length);
        double sum = 0;
        for (var i = start; i < end; i++) sum += sorted[i];
        var count = end - start;
        var mean = sum / count;
        double squares = 0;
        for (var i = start; i < end; i++) squares += (sorted[i] - mean) * (sorted[i] - mean);
        var variance = count > 1 ? squares / (count - 1) : 0;
        var scale = Math.Sqrt(variance + 1e-6);
        return depth.Select(d => (float)((d - mean) / scale)).ToArray();
    }

    /// <summary>16-bit depth to [0, 1] as the reference reads it (d / (2¹⁶ − 1)).</summary>
    public static float[] DepthToUnit(UInt16Image depth) => depth.Pixels.Select(p => p / 65535f).ToArray();

    private static float[] Standardize(ByteImage image, float[] mean, float[] std)
    {
        var plane = image.Width * image.Height;
        var channels = image.Channels;
        var result = new float[channels * plane];
        for (var c = 0; c < channels; c++)
            for (var i = 0; i < plane; i++)
                result[c * plane + i] = (image.Pixels[i * channels + c] / 255f - mean[c]) / std[c];
        return result;
    }
}
