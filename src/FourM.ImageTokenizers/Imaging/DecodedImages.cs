namespace FourM.ImageTokenizers.Imaging;

/// <summary>8-bit pixels, channel-interleaved (RGB: 3 channels, grey: 1), row-major.</summary>
public sealed record ByteImage(int Width, int Height, int Channels, byte[] Pixels)
{
    public byte this[int x, int y, int channel] => Pixels[(y * Width + x) * Channels + channel];
}

/// <summary>16-bit single-channel pixels (depth maps), row-major.</summary>
public sealed record UInt16Image(int Width, int Height, ushort[] Pixels);
