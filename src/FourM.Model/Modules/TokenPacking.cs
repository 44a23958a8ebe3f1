using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// Rows of different lengths packed back to back: the valid tokens of B rows as one (T, ·) tensor, row after row. Per-token
/// layers (norms, projections, MLPs) run on the T tokens only; attention, which needs rows, runs on the padded (B, L) layout
/// that <see cref="Pad"/> builds. Padded batches spend GEMM work on every padding slot; packed ones only on the attention.
/// <para>
/// A padding slot of the padded layout holds a copy of its row's first token rather than zeros: its key is blocked by the
/// padding mask and its query's output is dropped by <see cref="Pack"/>, so what it holds only has to be finite, and a copy
/// makes <see cref="Pad"/> one gather instead of a fill plus a scatter in every layer.
/// </para>
/// </summary>
public sealed class TokenPacking : IDisposable
{
    /// <param name="positions">(T) flat index (row · L + column) in the padded layout of every packed token, in packed order.</param>
    /// <param name="sources">(B·L) <see cref="PaddedSources"/> of those positions, on the same device.</param>
    /// <param name="paddingMask">(B, L), true on padding slots; null when no row is padded.</param>
    /// <remarks>The caller builds the index tensors (on a GPU, through pinned staging: a plain copy would sync the stream).</remarks>
    public TokenPacking(Tensor positions, Tensor sources, long rows, long length, Tensor? paddingMask)
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
    /// <summary>(B·L) the packed token each slot of the padded layout takes: its own, or for padding its row's first.</summary>
    public Tensor Sources { get; }
    public long Rows { get; }
    public long Length { get; }
    public Tensor? PaddingMask { get; }

    /// <summary>(T, W) → (B, L, W); each padding slot holds a copy of its row's first token (see the class remarks).</summary>
    public Tensor Pad(Tensor packed)
    {
        using var scope = NewDisposeScope();
        return packed.index_select(0, Sources).reshape(Rows, Length, packed.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>(B, L, W) → (T, W): the packed tokens' rows.</summary>
    public Tensor Pack(Tensor padded)
    {
        using var scope = NewDisposeScope();
        return padded.reshape(Rows * Length, padded.shape[2]).index_select(0, Positions).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// For each slot of the padded (rows × length) layout, the packed token it takes: its own, or for a padding slot its row's
    /// first token (the first packed token for a row with none).
    /// </summary>
    /// <param name="positions">Flat index (row · L + column) in the padded layout of every packed token, in packed order.</param>
    public static long[] PaddedSources(long[] positions, long rows, long length)
    {
        var sources = new long[rows * length];
        var first = new long[rows];
        Array.Fill(sources, -1);
        Array.Fill(first, -1);
        for (long token = positions.Length - 1; token >= 0; token--)
        {
            var slot = positions[token];
            if (slot < 0 || slot >= sources.Length) throw new ArgumentException($"position {slot} lies outside the {rows}×{length} layout", nameof(positions));
            sources[slot] = token;
            first[slot / length] = token;
        }
        for (long slot = 0; slot < sources.Length; slot++)
            if (sources[slot] < 0) sources[slot] = Math.Max(0, first[slot / length]);
        return sources;
    }

    public void Dispose()
    {
        Sources.Dispose();
        Positions.Dispose();
        PaddingMask?.Dispose();
    }
}
