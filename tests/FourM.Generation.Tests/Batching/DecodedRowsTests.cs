using FourM.Generation.Steps;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Batching;

public sealed class DecodedRowsTests
{
    /// <summary>Two padded blocks: rows 0, 2, 3 (lengths 2, 3, 3; max 3) and rows 1, 4 (lengths 1, 1; max 1); values are unique.</summary>
    private static (DecodedRows Rows, Tensor[] Expected) Build()
    {
        var lengths = new long[] { 2, 1, 3, 3, 1 };
        var first = arange(3 * 3 * 4, dtype: ScalarType.Float32).reshape(3, 3, 4);
        var second = arange(2 * 1 * 4, dtype: ScalarType.Float32).reshape(2, 1, 4).add(1000);
        var rows = new DecodedRows(lengths);
        rows.Add(first, [0, 2, 3]);
        rows.Add(second, [1, 4]);
        var expected = new[] { first[0].narrow(0, 0, 2), second[0], first[1], first[2], second[1] };
        return (rows, expected);
    }

    [Theory]
    [InlineData(new[] { 2, 3 })]       // consecutive full rows of one block: a view
    [InlineData(new[] { 0 })]          // a padded row
    [InlineData(new[] { 3, 2 })]       // out of order
    [InlineData(new[] { 0, 1, 2, 3, 4 })] // across blocks
    [InlineData(new[] { 4, 0 })]
    public void Rows_stack_each_rows_valid_outputs_in_the_order_asked(int[] asked)
    {
        using var scope = NewDisposeScope();
        var (rows, expected) = Build();
        var actual = rows.Rows(asked);
        var want = cat(asked.Select(r => expected[r]).ToArray(), 0);
        Assert.Equal(want.shape, actual.shape);
        Assert.True(want.eq(actual).all().item<bool>());
        for (int r = 0; r < expected.Length; r++) Assert.True(expected[r].eq(rows.Rows([r])).all().item<bool>());
    }
}
