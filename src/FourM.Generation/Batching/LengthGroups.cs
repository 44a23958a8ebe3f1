namespace FourM.Generation.Batching;

/// <summary>
/// Splits the rows of one batch into groups of similar length, so that a short row is never padded to many times its
/// length (a text-to-image step decodes 4 positions, an RGB→X step 196; their encoder inputs differ just as much). Rows are
/// independent in every pass, so running them in groups gives each row what it gets alone; fewer groups mean fewer kernel
/// launches, so a group only splits where padding would exceed <c>maxRatio</c>.
/// </summary>
public static class LengthGroups
{
    /// <returns>Groups of row indices, each in ascending row order, covering every row once.</returns>
    public static IReadOnlyList<int[]> Split(IReadOnlyList<long> lengths, double maxRatio = 4.0)
    {
        if (maxRatio < 1) throw new ArgumentOutOfRangeException(nameof(maxRatio), maxRatio, "must be at least 1");
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToList();
        var groups = new List<int[]>();
        var current = new List<int>();
        long shortest = 0;
        foreach (var row in order)
        {
            long length = Math.Max(1, lengths[row]);
            if (current.Count > 0 && length > maxRatio * shortest)
            {
                groups.Add(current.Order().ToArray());
                current.Clear();
            }
            if (current.Count == 0) shortest = length;
            current.Add(row);
        }
        if (current.Count > 0) groups.Add(current.Order().ToArray());
        return groups;
    }

    /// <summary>
    /// Runs <paramref name="pass"/> once per group (it gets the group's row indices and returns one result per index, in
    /// that order) and returns the results in row order.
    /// </summary>
    public static IReadOnlyList<T> Run<T>(IReadOnlyList<long> lengths, double maxRatio, Func<int[], IReadOnlyList<T>> pass)
    {
        var groups = Split(lengths, maxRatio);
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
