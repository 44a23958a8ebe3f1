using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// Rows of different lengths packed back to back: the valid tokens of B rows as one (T, ·) tensor, row after row. Per-token
/// layers (norms, projections, MLPs) run on the T tokens only; attention, which needs rows, runs on the padded (B, L) layout
/// that <see cref="Pad"/> builds. Padded batches spend GEMM work on every padding slot; packed ones only on the attention.
/// </summary>
public sealed class TokenPacking : IDisposable
{
    /// <param name="positions">(T) flat index (row · L + column) of every packed token in the padded layout.</param>
    /// <param name="paddingMask">(B, L), true on padding slots; null when no row is padded.</param>
    public TokenPacking(Tensor positions, long rows, long length, Tensor? paddingMask)
    {
        Positions = positions;
        Rows = rows;
        Length = length;
        PaddingMask = paddingMask;
    }

    public Tensor Positions { get; }
    public long Rows { get; }
    public long Length { get; }
    public Tensor? PaddingMask { get; }

    /// <summary>(T, W) → (B, L, W), zeros in the padding slots.</summary>
    public Tensor Pad(Tensor packed)
    {
        using var scope = NewDisposeScope();
        var width = packed.shape[1];
        var padded = zeros(new[] { Rows * Length, width }, dtype: packed.dtype, device: packed.device).index_copy_(0, Positions, packed);
        return padded.reshape(Rows, Length, width).MoveToOuterDisposeScope();
    }

    /// <summary>(B, L, W) → (T, W): the packed tokens' rows.</summary>
    public Tensor Pack(Tensor padded)
    {
        using var scope = NewDisposeScope();
        return padded.reshape(Rows * Length, padded.shape[2]).index_select(0, Positions).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Positions.Dispose();
        PaddingMask?.Dispose();
    }
}
