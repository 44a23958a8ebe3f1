using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// Rows of a <see cref="TokenPacking"/> that attend together: a contiguous run of its packed tokens, padded for attention to
/// the group's own longest row, padding slots reading their row's first token (<see cref="PaddedLayout"/>): one gather in
/// <see cref="Pad"/> instead of a fill plus a scatter in every layer.
/// </summary>
public sealed class TokenPackingGroup : IDisposable
{
    /// <param name="positions">(T_g) the slot in the group's padded layout of each of its packed tokens (<see cref="PaddedLayout.Positions"/>).</param>
    /// <param name="sources">(B_g·L) the packed token (index into the whole packing) each slot takes (<see cref="PaddedLayout.Gather"/>).</param>
    /// <param name="paddingMask">(B_g, L), true on padding slots; null when no row of the group is padded.</param>
    /// <remarks>The caller builds the index tensors (on a GPU, through pinned staging: a plain copy would sync the stream).</remarks>
    public TokenPackingGroup(Tensor positions, Tensor sources, long rows, long length, Tensor? paddingMask)
    {
        if (sources.shape.Length != 1 || sources.shape[0] != rows * length)
            throw new ArgumentException($"sources must index all {rows}×{length} slots of the padded layout", nameof(sources));
        Positions = positions;
        Sources = sources;
        Rows = rows;
        Length = length;
        PaddingMask = paddingMask;
    }

    public Tensor Positions { get; }
    public Tensor Sources { get; }
    public long Rows { get; }
    public long Length { get; }
    public Tensor? PaddingMask { get; }

    /// <summary>All packed tokens (T, W) → this group's padded rows (B_g, L, W).</summary>
    public Tensor Pad(Tensor packed)
    {
        using var scope = NewDisposeScope();
        return packed.index_select(0, Sources).reshape(Rows, Length, packed.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>(B_g, L, W) → (T_g, W): this group's packed tokens, in packed order.</summary>
    public Tensor Pack(Tensor padded)
    {
        using var scope = NewDisposeScope();
        return padded.reshape(Rows * Length, padded.shape[2]).index_select(0, Positions).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Sources.Dispose();
        Positions.Dispose();
        PaddingMask?.Dispose();
    }
}
