using FourM.Generation.Batching;
using Xunit;

namespace FourM.Generation.Tests.Batching;

public sealed class LengthGroupsTests
{
    private static double Cost(IReadOnlyList<long> lengths, IReadOnlyList<int[]> groups, double passCost) =>
        groups.Sum(g => g.Length * g.Max(i => Math.Max(1, lengths[i])) + passCost);

    [Fact]
    public void Rows_stay_in_one_pass_while_padding_costs_less_than_a_pass()
    {
        // One pass: 4 × 196 + 400 = 1184; the best two: {60, 100} {180, 196} = 200 + 392 + 800 = 1392.
        var groups = LengthGroups.Split([196, 100, 60, 180], passCostTokens: 400);
        Assert.Equal([0, 1, 2, 3], Assert.Single(groups));
    }

    [Fact]
    public void Short_rows_are_not_padded_to_long_ones_when_a_pass_is_cheaper()
    {
        // A text-to-image step decodes 4 positions per row, an RGB→X step 196: one pass 5 × 196 + 100 = 1080,
        // two passes 3 × 8 + 2 × 196 + 200 = 616.
        var groups = LengthGroups.Split([4, 196, 8, 196, 4], passCostTokens: 100);
        Assert.Equal(2, groups.Count);
        Assert.Equal([0, 2, 4], groups[0]);
        Assert.Equal([1, 3], groups[1]);
    }

    [Fact]
    public void Every_row_lands_in_one_group_and_the_split_beats_every_split_at_one_cut()
    {
        var random = new Random(5);
        var lengths = Enumerable.Range(0, 120).Select(_ => (long)random.Next(0, 1000)).ToList();
        foreach (var passCost in new[] { 0.0, 500, 5000, 1e9 })
        {
            var groups = LengthGroups.Split(lengths, passCost);
            Assert.Equal(Enumerable.Range(0, 120), groups.SelectMany(g => g).Order());
            var cost = Cost(lengths, groups, passCost);
            // Against one pass and every two-pass split at a length threshold (independent brute force over thresholds).
            var all = Enumerable.Range(0, 120).ToArray();
            Assert.True(cost <= Cost(lengths, [all], passCost) + 1e-9);
            foreach (var threshold in lengths.Distinct())
            {
                var low = all.Where(i => lengths[i] <= threshold).ToArray();
                var high = all.Where(i => lengths[i] > threshold).ToArray();
                if (low.Length == 0 || high.Length == 0) continue;
                Assert.True(cost <= Cost(lengths, [low, high], passCost) + 1e-9);
            }
        }
        Assert.Single(LengthGroups.Split(lengths, 1e9));
    }

    [Fact]
    public void Without_a_pass_cost_equal_lengths_share_a_pass_and_different_ones_do_not()
    {
        var groups = LengthGroups.Split([5, 7, 5, 7, 9], passCostTokens: 0);
        Assert.Equal([[0, 2], [1, 3], [4]], groups);
    }

    [Fact]
    public void Run_returns_each_row_its_own_result_in_row_order()
    {
        long[] lengths = [4, 196, 8, 196, 4];
        var passes = new List<int[]>();
        var results = LengthGroups.Run(lengths, 100, rows =>
        {
            passes.Add(rows);
            return rows.Select(i => $"row {i} of a pass of {rows.Length}").ToList();
        });
        Assert.Equal(2, passes.Count);
        Assert.Equal(["row 0 of a pass of 3", "row 1 of a pass of 2", "row 2 of a pass of 3", "row 3 of a pass of 2", "row 4 of a pass of 3"], results);
    }

    [Fact]
    public void A_negative_pass_cost_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LengthGroups.Split([1, 2], passCostTokens: -1));
}
