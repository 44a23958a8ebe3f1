using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Vit;

/// <summary>
/// The stored (1, D, N_H, N_W) position table, resized bicubically (align_corners=False) when the runtime token grid
/// differs from the one it was built for, then flattened to (1, N, D) token order.
/// </summary>
public static class PositionTable
{
    public static Tensor ForGrid(Tensor table, long gridHeight, long gridWidth)
    {
        using var scope = NewDisposeScope();
        var resized = table.shape[2] == gridHeight && table.shape[3] == gridWidth
            ? table
            : nn.functional.interpolate(table, size: [gridHeight, gridWidth], mode: InterpolationMode.Bicubic, align_corners: false);
        return resized.flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
