namespace FourM.Tokenizers.Text.Codecs;

/// <summary>
/// One SAM instance: its box in pixels of the 224×224 image and the tokens of its mask from the SAM-instance VQ-VAE
/// (16 tokens, 0..1023, written as v0=i below 512 and v1=i−512 above).
/// </summary>
public sealed record SamInstance(int XMin, int YMin, int XMax, int YMax, IReadOnlyList<int> MaskTokens)
{
    public const int DefaultMaskTokenCount = 16;
    public const int MaskCodebookSize = 1024;
}

/// <summary>A query point (pixels) and the instances that contain it; no instances is written as <c>none</c>.</summary>
public sealed record SamQueryPoint(int X, int Y, IReadOnlyList<SamInstance> Instances);
