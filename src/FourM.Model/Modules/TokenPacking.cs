using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// Rows of different lengths packed back to back: the valid tokens of B rows as one (T, ·) tensor, row after row. Per-token
/// layers (norms, projections, MLPs) run on the T tokens only; attention, which needs rows, runs per
/// <see cref="TokenPackingGroup"/> on that group's padded layout. Padded batches spend GEMM work on every padding slot;
/// packed ones only on attention, and with rows grouped by length, attention pads each row only to its group's longest
/// row instead of the batch's.
/// </summary>
public sealed class TokenPacking : IDisposable
{
    /// <param name="groups">Contiguous runs of the packed tokens, in packed order, covering all of them.</param>
    public TokenPacking(IReadOnlyList<TokenPackingGroup> groups)
    {
        if (groups.Count == 0) throw new ArgumentException("a packing needs at least one group", nameof(groups));
        Groups = groups;
    }

    /// <summary>One group of every row (see <see cref="TokenPackingGroup"/> for the arguments).</summary>
    public TokenPacking(Tensor positions, Tensor sources, long rows, long length, Tensor? paddingMask)
        : this([new TokenPackingGroup(positions, sources, rows, length, paddingMask)])
    {
    }

    public IReadOnlyList<TokenPackingGroup> Groups { get; }

    /// <summary>(T, W) → (B, L, W) for a packing of one group (tests and diagnostics).</summary>
    public Tensor Pad(Tensor packed) => Single.Pad(packed);

    /// <summary>(B, L, W) → (T, W) for a packing of one group.</summary>
    public Tensor Pack(Tensor padded) => Single.Pack(padded);

    private TokenPackingGroup Single =>
        Groups.Count == 1 ? Groups[0] : throw new InvalidOperationException($"the packing has {Groups.Count} groups; pad and pack per group");

    /// <summary>
    /// For each slot of a padded (rows × length) layout, the packed token it takes, counted from the layout's first token:
    /// its own, or for a padding slot its row's first token (the first token for a row with none).
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
        foreach (var group in Groups) group.Dispose();
    }
}
