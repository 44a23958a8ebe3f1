namespace FourM.Tokenizers.Text.Codecs;

/// <summary>
/// One person of the 4M-21 <c>human_poses</c> modality: a box normalised to [0, 1], 8 body-pose tokens of the pose
/// VQ-VAE (0..1023), 9 global-orientation values in [−1, 1] (a 3×3 rotation, row-major), 3 camera values (clipped to
/// [−1, 19]) and 10 SMPL shape betas in [−3, 3].
/// </summary>
public sealed record HumanPose(
    double XMin, double YMin, double XMax, double YMax,
    IReadOnlyList<int> PoseTokens, IReadOnlyList<double> GlobalOrientation, IReadOnlyList<double> Camera, IReadOnlyList<double> Shape)
{
    public const int PoseTokenCount = 8, GlobalOrientationCount = 9, CameraCount = 3, ShapeCount = 10;
    /// <summary>Pose tokens come from a 1024-entry codebook, split over v0 (0..511) and v1 (512..1023).</summary>
    public const int PoseCodebookSize = 1024;
}

/// <summary>The four parameter blocks that follow a person's box; the reference shuffles their order in training.</summary>
public enum HumanPoseBlock { Pose, Global, Camera, Shape }
