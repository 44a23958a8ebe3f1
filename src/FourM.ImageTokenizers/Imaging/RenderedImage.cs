namespace FourM.ImageTokenizers.Imaging;

/// <summary>A decoder output made viewable: 8-bit pixels, its PNG, and for segmentation the legend of classes present.</summary>
public sealed record RenderedImage(ByteImage Image, byte[] Png, IReadOnlyList<SegmentationLegendEntry> Legend);
