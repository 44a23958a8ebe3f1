namespace FourM.Generation.Batching;

/// <summary>
/// Splits the rows of one batch into padded passes. A pass costs its rows times its longest row (every row is padded to
/// it) plus a fixed cost, the kernel launches of a whole encoder or decoder, expressed in padded tokens. Rows are
/// independent in every pass, so any split gives each row what it gets alone; this one minimises the modelled cost: in
/// length order, the best split into contiguous runs (an exact dynamic programme, O(rows²)).
/// <para>
/// Why not a fixed padding ratio: mixed serving batches hold rows of every length from a few tokens to hundreds (steps of
/// different sessions, conditional and unconditional guidance rows), and a 4× bound still let the padded work run at
/// about twice the real work.
/// </para>
/// </summary>
public static class LengthGroups
{
    /// <param name="lengths">Tokens per row (0 is treated as 1).</param>
    /// <param name="passCostTokens">Fixed cost of one pass, in padded tokens (≥ 0).</param>
    /// <returns>Groups of row indices, each in ascending row order, covering every row once.</returns>
    public static IReadOnlyList<int[]> Split(IReadOnlyList<long> lengths, double passCostTokens)
    {
        if (!(passCostTokens >= 0)) throw new ArgumentOutOfRangeException(nameof(passCostTokens), passCostTokens, "must be zero or more");
        int n = lengths.Count;
        if (n == 0) return [];
        var order = Enumerable.Range(0, n).OrderBy(i => Math.Max(1, lengths[i])).ThenBy(i => i).ToArray();
        var sorted = order.Select(i => (double)Math.Max(1, lengths[i])).ToArray();
        // best[j]: least cost of the first j rows in length order; start[j]: where the last run of that split starts.
        var best = new double[n + 1];
        var start = new int[n + 1];
        for (int j = 1; j <= n; j++)
        {
            best[j] = double.PositiveInfinity;
            for (int i = 1; i <= j; i++)
            {
                double cost = best[i - 1] + (j - i + 1) * sorted[j - 1] + passCostTokens;
                // Ties prefer the longer last run (fewer passes).
                if (cost < best[j]) { best[j] = cost; start[j] = i; }
            }
        }
        var groups = new List<int[]>();
        for (int j = n; j > 0; j = start[j] - 1)
            groups.Add(order[(start[j] - 1)..j].Order().ToArray());
        groups.Reverse();
        return groups;
    }

    /// <summary>
    /// Runs <paramref name="pass"/> once per group (it gets the group's row indices and returns one result per index, in
    /// that order) and returns the results in row order.
    /// </summary>
    public static IReadOnlyList<T> Run<T>(IReadOnlyList<long> lengths, double passCostTokens, Func<int[], IReadOnlyList<T>> pass)
    {
        var groups = Split(lengths, passCostTokens);
        if (groups.Count == 1) return pass(groups[0]);
        var results = new T[lengths.Count];
        foreach (var group in groups)
        {
            var part = pass(group);
            for (int k = 0; k < group.Length; k++) results[group[k]] = part[k];
        }
        return results;
    }
}
