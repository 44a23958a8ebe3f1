namespace FourM.ImageTokenizers.Imaging;

/// <summary>
/// torchvision's <c>center_crop</c> to the largest centred square, as the reference demo does before resizing:
/// offsets <c>round((size - side) / 2)</c> with Python's round-half-to-even.
/// </summary>
public static class CenterCrop
{
    public static (int Left, int Top, int Side) SquareBox(int width, int height)
    {
        var side = Math.Min(width, height);
        var left = (int)Math.Round((width - side) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((height - side) / 2.0, MidpointRounding.ToEven);
        return (left, top, side);
    }

    public static ByteImage Square(ByteImage image)
    {
        var (left, top, side) = SquareBox(image.Width, image.Height);
        if (side == image.Width && side == image.Height) return image;
        var channels = image.Channels;
        var pixels = new byte[side * side * channels];
        for (var y = 0; y < side; y++)
            Array.Copy(image.Pixels, ((top + y) * image.Width + left) * channels, pixels, y * side * channels, side * channels);
        return new ByteImage(side, side, channels, pixels);
    }

    public static float[] Square(float[] map, int width, int height, out int side)
    {
        var (left, top, s) = SquareBox(width, height);
        side = s;
        var result = new float[s * s];
        for (var y = 0; y < s; y++) Array.Copy(map, (top + y) * width + left, result, y * s, s);
        return result;
    }
}
