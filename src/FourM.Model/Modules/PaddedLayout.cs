namespace FourM.Model.Modules;

/// <summary>
/// Index arrays between runs of rows stored back to back and their padded (rows × width) layout, built on the host. A padding
/// slot reads its row's first element: wherever a padded layout feeds attention the padding keys are blocked and the padding
/// queries' outputs dropped, so the slot only has to hold finite values, and reading a real element spares the zero row
/// (and the concatenation that would add it) a zero-filled layout needs.
/// </summary>
public static class PaddedLayout
{
    /// <summary>(rows · width) gather index: slot (i, k) reads element starts[i] + k, or starts[i] for a padding slot.</summary>
    public static long[] Gather(IReadOnlyList<long> starts, IReadOnlyList<long> lengths, long width)
    {
        if (starts.Count != lengths.Count) throw new ArgumentException($"{starts.Count} starts for {lengths.Count} rows", nameof(starts));
        var index = new long[starts.Count * width];
        for (int i = 0; i < starts.Count; i++)
        {
            if (lengths[i] > width) throw new ArgumentException($"row {i} has {lengths[i]} elements, more than the layout's {width}", nameof(lengths));
            for (long k = 0; k < width; k++) index[i * width + k] = starts[i] + (k < lengths[i] ? k : 0);
        }
        return index;
    }

    /// <summary>(Σ lengths) the padded slot, i · width + k, of each element of rows stored back to back: the inverse gather.</summary>
    public static long[] Positions(IReadOnlyList<long> lengths, long width)
    {
        var positions = new long[lengths.Sum()];
        long at = 0;
        for (int i = 0; i < lengths.Count; i++)
        {
            if (lengths[i] > width) throw new ArgumentException($"row {i} has {lengths[i]} elements, more than the layout's {width}", nameof(lengths));
            for (long k = 0; k < lengths[i]; k++) positions[at++] = i * width + k;
        }
        return positions;
    }

    /// <summary>Where each row starts when rows of these lengths are stored back to back from <paramref name="origin"/>.</summary>
    public static long[] Starts(IReadOnlyList<long> lengths, long origin = 0)
    {
        var starts = new long[lengths.Count];
        for (int i = 0; i < lengths.Count; i++) { starts[i] = origin; origin += lengths[i]; }
        return starts;
    }
}
