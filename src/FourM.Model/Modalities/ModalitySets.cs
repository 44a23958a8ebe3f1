namespace FourM.Model.Modalities;

/// <summary>The input/output modality lists of the released model families (reference data configs).</summary>
public static class ModalitySets
{
    public static IReadOnlyList<string> FourM7Inputs { get; } =
        ["rgb@224", "tok_rgb@224", "tok_depth@224", "tok_semseg@224", "tok_normal@224", "tok_clip@224", "caption", "det"];

    public static IReadOnlyList<string> FourM7Outputs { get; } =
        ["tok_rgb@224", "tok_depth@224", "tok_semseg@224", "tok_normal@224", "tok_clip@224", "caption", "det"];

    public static IReadOnlyList<string> FourM21Inputs { get; } =
    [
        .. FourM7Inputs, "t5_caption", "metadata", "human_poses", "tok_dinov2@224", "tok_dinov2_global", "tok_imagebind@224",
        "tok_imagebind_global", "tok_sam_edge@224", "tok_canny_edge@224", "color_palette", "sam_instance",
    ];

    public static IReadOnlyList<string> FourM21Outputs { get; } = FourM21Inputs.Where(m => m is not ("t5_caption" or "rgb@224")).ToList();

    public static IReadOnlyList<string> SuperResolutionInputs { get; } =
    [
        .. FourM7Inputs, "rgb@448", "tok_rgb@448", "tok_depth@448", "tok_semseg@448", "tok_normal@448", "tok_clip@448",
    ];

    public static IReadOnlyList<string> SuperResolutionOutputs { get; } =
        ["tok_rgb@448", "tok_depth@448", "tok_semseg@448", "tok_normal@448", "tok_clip@448"];
}
