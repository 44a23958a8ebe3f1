namespace FourM.ImageTokenizers.Imaging;

/// <summary>The pixel modalities whose inputs and outputs this library converts.</summary>
public enum ImageModality
{
    /// <summary>Photos: [-1, 1] for the RGB tokenizer; ImageNet mean/std for 4M's own <c>rgb@224</c> pixel input.</summary>
    Rgb,
    /// <summary>16-bit depth maps: truncated standardisation in, turbo colour map out.</summary>
    Depth,
    /// <summary>Surface normals stored as RGB: [-1, 1] in, ×0.5+0.5 out.</summary>
    SurfaceNormal,
    /// <summary>Class-index maps (8-bit grey, one id per pixel): nearest resize in, argmax + palette out.</summary>
    Semseg,
    /// <summary>Edge maps (Canny or SAM edges, one channel): [-1, 1] in, 0.5·(x+1) out.</summary>
    Edge,
}

public static class ImageModalities
{
    /// <summary>Maps a 4M modality name (<c>tok_depth@224</c>, <c>rgb@224</c>, <c>tok_canny_edge</c>, …) to its kind.</summary>
    public static ImageModality FromName(string name)
    {
        var bare = name.Split('@')[0];
        if (bare.StartsWith("tok_", StringComparison.Ordinal)) bare = bare[4..];
        return bare switch
        {
            "rgb" => ImageModality.Rgb,
            "depth" => ImageModality.Depth,
            "normal" => ImageModality.SurfaceNormal,
            "semseg" => ImageModality.Semseg,
            "canny_edge" or "sam_edge" or "edge" => ImageModality.Edge,
            _ => throw new ArgumentException($"'{name}' is not an image modality this library converts (rgb, depth, normal, semseg, canny_edge, sam_edge)"),
        };
    }
}
