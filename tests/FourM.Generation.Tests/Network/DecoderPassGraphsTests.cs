using FourM.Generation.Network;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Network;

public sealed class DecoderPassGraphsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 8)]
    [InlineData(8, 8)]
    [InlineData(9, 16)]
    [InlineData(64, 64)]
    [InlineData(65, 72)]
    public void Row_buckets_are_powers_of_two_up_to_eight_then_multiples_of_eight(long rows, long bucket) =>
        Assert.Equal(bucket, DecoderPassGraphs.RowBucket(rows));

    [Fact]
    public void Without_cuda_graphs_every_pass_runs_the_callers_eager_pass()
    {
        // The test projects run on TorchSharp-cpu, where graphs are unavailable.
        using var graphs = new DecoderPassGraphs(TinyModel.Instance);
        using var scope = NewDisposeScope();
        var y = zeros(2, 3, 8);
        var context = zeros(2, 5, 8);
        int eager = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            var result = graphs.Decode(y, context, [3, 2], [5, 4], () => { eager++; return y; });
            Assert.Same(y, result);
        }
        Assert.Equal(3, eager);
        Assert.Equal(0, graphs.BucketedPasses);
        Assert.Equal(0, graphs.Captures);
    }
}
