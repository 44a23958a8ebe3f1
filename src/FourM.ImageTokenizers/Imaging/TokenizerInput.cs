namespace FourM.ImageTokenizers.Imaging;

/// <summary>
/// One prepared tokenizer input as plain arrays: normalised pixels (C·H·W, channel-major) or a class-index map (H·W).
/// </summary>
public sealed record TokenizerInput(int Channels, int Height, int Width, float[]? Pixels, long[]? ClassMap)
{
    public static TokenizerInput FromPixels(int channels, int height, int width, float[] pixels) =>
        pixels.Length == channels * height * width
            ? new TokenizerInput(channels, height, width, pixels, null)
            : throw new ArgumentException($"{pixels.Length} values for {channels}×{height}×{width}");

    public static TokenizerInput FromClassMap(int height, int width, long[] classes) =>
        classes.Length == height * width
            ? new TokenizerInput(1, height, width, null, classes)
            : throw new ArgumentException($"{classes.Length} class ids for {height}×{width}");
}

/// <summary>A decoder output as a plain array (C·H·W, channel-major), float32.</summary>
public sealed record DecodedMap(int Channels, int Height, int Width, float[] Values);
