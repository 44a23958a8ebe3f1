namespace FourM.Tokenizers.Text.Codecs;

/// <summary>An RGB colour with 0..255 channels.</summary>
public readonly record struct PaletteColor(byte R, byte G, byte B);
