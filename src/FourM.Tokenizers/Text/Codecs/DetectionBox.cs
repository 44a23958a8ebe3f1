namespace FourM.Tokenizers.Text.Codecs;

/// <summary>A detected object: corners normalised to [0, 1] of the image width/height, a class name and a score.</summary>
public sealed record DetectionBox(double XMin, double YMin, double XMax, double YMax, string ClassName, double Score = 1.0);

/// <summary>How <see cref="DetectionCodec.Encode"/> orders boxes (the reference's <c>bbox_order</c> options).</summary>
public enum DetectionOrder
{
    /// <summary>By xmin² + ymin², ascending (the reference's default, used to train 4M).</summary>
    DistanceToOrigin,
    /// <summary>By area, largest first.</summary>
    Area,
    /// <summary>By score, highest first.</summary>
    Score,
    /// <summary>As given.</summary>
    AsGiven,
}
