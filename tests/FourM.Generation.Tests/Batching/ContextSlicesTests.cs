using FourM.Generation.Batching;
using FourM.Generation.Network;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Batching;

public sealed class ContextSlicesTests
{
    private static readonly FourMModelNetwork Network = new(TinyModel.Instance);

    /// <summary>The reference's layout, built row by row: each context, then zeros up to the longest.</summary>
    private static Tensor Expected(IReadOnlyList<Tensor> contexts)
    {
        long max = contexts.Max(c => c.shape[0]);
        return stack(contexts.Select(c => cat([c, zeros(max - c.shape[0], c.shape[1])], 0)).ToArray(), 0);
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
        Assert.Equal([4L, 2, 3], lengths);
        Assert.Equal([3L, 4, 5], padded.shape);
        // Padding slots keep the encoder's values there (the decoder masks them); the valid rows are the contexts.
        Assert.True(padded.reshape(12, 5).eq(block.Rows).all().item<bool>());
        for (int i = 0; i < 3; i++) Assert.True(padded[i].narrow(0, 0, lengths[i]).eq(slices[i].View()).all().item<bool>());
    }

    [Fact]
    public void Other_selections_are_gathered_zero_padded_from_every_block()
    {
        using var scope = NewDisposeScope();
        var (_, slices) = PaddedBlock();
        var packed = new ContextBlock(arange(7 * 5, dtype: ScalarType.Float32).neg().reshape(7, 5), null, 2);
        var other = new[] { new ContextSlice(packed, 0, 3), new ContextSlice(packed, 3, 4) };
        var single = ContextBlock.Single(ones(1, 5));
        var chosen = new[] { slices[2], other[1], slices[1], single, other[0] };

        var (padded, lengths) = ContextSlices.Pad(chosen, Network);

        Assert.Equal([3L, 4, 2, 1, 3], lengths);
        var expected = Expected(chosen.Select(c => c.View()).ToList());
        Assert.True(expected.eq(padded).all().item<bool>());
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
