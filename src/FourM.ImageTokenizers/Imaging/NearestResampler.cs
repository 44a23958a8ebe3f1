namespace FourM.ImageTokenizers.Imaging;

/// <summary>Nearest-neighbour resize for label maps (interpolating class ids would invent classes): source index ⌊(x+½)·in/out⌋.</summary>
public static class NearestResampler
{
    public static ByteImage Resize(ByteImage source, int width, int height)
    {
        var channels = source.Channels;
        var output = new byte[width * height * channels];
        for (var y = 0; y < height; y++)
        {
            var sy = Math.Min((int)((y + 0.5) * source.Height / height), source.Height - 1);
            for (var x = 0; x < width; x++)
            {
                var sx = Math.Min((int)((x + 0.5) * source.Width / width), source.Width - 1);
                Array.Copy(source.Pixels, (sy * source.Width + sx) * channels, output, (y * width + x) * channels, channels);
            }
        }
        return new ByteImage(width, height, channels, output);
    }
}
