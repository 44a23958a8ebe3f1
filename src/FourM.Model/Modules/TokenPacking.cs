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

    public IReadOnlyList<TokenPackingGroup> Groups { get; }

    public void Dispose()
    {
        foreach (var group in Groups) group.Dispose();
    }
}
