using FourM.Generation.Batching;
using Xunit;

namespace FourM.Generation.Tests.Batching;

public sealed class LengthGroupsTests
{
    [Fact]
    public void Rows_within_the_ratio_stay_in_one_group()
    {
        var groups = LengthGroups.Split([196, 100, 60, 180], maxRatio: 4);
        Assert.Equal([0, 1, 2, 3], Assert.Single(groups));
    }

    [Fact]
    public void Short_rows_are_not_padded_to_long_ones()
    {
        // A text-to-image step decodes 4 positions per row, an RGB→X step 196.
        var groups = LengthGroups.Split([4, 196, 8, 196, 4], maxRatio: 4);
        Assert.Equal(2, groups.Count);
        Assert.Equal([0, 2, 4], groups[0]);
        Assert.Equal([1, 3], groups[1]);
    }

    [Fact]
    public void Every_row_lands_in_exactly_one_group_and_no_group_exceeds_the_ratio()
    {
        var random = new Random(5);
        var lengths = Enumerable.Range(0, 200).Select(_ => (long)random.Next(0, 1000)).ToList();
        var groups = LengthGroups.Split(lengths, maxRatio: 2);
        Assert.Equal(Enumerable.Range(0, 200), groups.SelectMany(g => g).Order());
        foreach (var group in groups)
            Assert.True(group.Max(i => Math.Max(1, lengths[i])) <= 2 * group.Min(i => Math.Max(1, lengths[i])));
    }

    [Fact]
    public void Run_returns_each_row_its_own_result_in_row_order()
    {
        long[] lengths = [4, 196, 8, 196, 4];
        var passes = new List<int[]>();
        var results = LengthGroups.Run(lengths, 4, rows =>
        {
            passes.Add(rows);
            return rows.Select(i => $"row {i} of a pass of {rows.Length}").ToList();
        });
        Assert.Equal(2, passes.Count);
        Assert.Equal(["row 0 of a pass of 3", "row 1 of a pass of 2", "row 2 of a pass of 3", "row 3 of a pass of 2", "row 4 of a pass of 3"], results);
    }

    [Fact]
    public void A_ratio_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LengthGroups.Split([1, 2], maxRatio: 0.5));
}
