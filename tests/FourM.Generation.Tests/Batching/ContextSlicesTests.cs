using FourM.Generation.Batching;
using FourM.Generation.Network;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Batching;

public sealed class ContextSlicesTests
{
    private static readonly FourMModelNetwork Network = new(TinyModel.Instance);

    /// <summary>Every context's rows at the start of its padded row, and only finite values in the padding slots.</summary>
    private static void AssertPadded(IReadOnlyList<Tensor> expected, Tensor padded, long[] lengths)
    {
        Assert.Equal([expected.Count, expected.Max(c => c.shape[0]), expected[0].shape[1]], padded.shape);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].shape[0], lengths[i]);
            Assert.True(padded[i].narrow(0, 0, lengths[i]).eq(expected[i]).all().item<bool>(), $"context {i}");
        }
        Assert.True(padded.isfinite().all().item<bool>());
    }

    /// <summary>A padded block of 3 samples (lengths 4, 2, 3; stride 4), values unique and non-zero in the padding slots too.</summary>
    private static (ContextBlock Block, ContextSlice[] Slices) PaddedBlock()
    {
        var rows = arange(3 * 4 * 5, dtype: ScalarType.Float32).add(1).reshape(12, 5);
        var block = new ContextBlock(rows, 4, 3);
        return (block, [new(block, 0, 4), new(block, 4, 2), new(block, 8, 3)]);
    }

    [Fact]
    public void The_rows_of_a_whole_padded_pass_in_order_are_its_block()
    {
        using var scope = NewDisposeScope();
        var (block, slices) = PaddedBlock();
        var (padded, lengths) = ContextSlices.Pad(slices, Network);
        AssertPadded(slices.Select(c => c.View()).ToList(), padded, lengths);
        // The block itself, padding slots included: no copy.
        Assert.True(padded.reshape(12, 5).eq(block.Rows).all().item<bool>());
    }

    [Fact]
    public void Other_selections_are_gathered_from_every_block()
    {
        using var scope = NewDisposeScope();
        var (_, slices) = PaddedBlock();
        var packed = new ContextBlock(arange(7 * 5, dtype: ScalarType.Float32).neg().reshape(7, 5), null, 2);
        var other = new[] { new ContextSlice(packed, 0, 3), new ContextSlice(packed, 3, 4) };
        var single = ContextBlock.Single(ones(1, 5));
        var chosen = new[] { slices[2], other[1], slices[1], single, other[0] };

        var (padded, lengths) = ContextSlices.Pad(chosen, Network);
        AssertPadded(chosen.Select(c => c.View()).ToList(), padded, lengths);

        // Rows of one block in another order: one gather from that block.
        var reordered = new[] { slices[1], slices[0] };
        var (fromOne, oneLengths) = ContextSlices.Pad(reordered, Network);
        AssertPadded(reordered.Select(c => c.View()).ToList(), fromOne, oneLengths);
    }

    [Fact]
    public void A_block_is_freed_with_its_last_context_only()
    {
        var store = new ContextStore();
        var (block, slices) = PaddedBlock();
        var first = store.Add([slices[0], slices[1]]);
        var second = store.Add([slices[2]]);
        store.Release(first);
        Assert.False(block.Rows.IsInvalid);
        Assert.Equal(slices[2].View().sum().item<float>(), store.Get(second)[0].View().sum().item<float>());
        store.Release(second);
        Assert.True(block.Rows.IsInvalid);
        store.Release(second);   // releasing twice is harmless
    }
}
