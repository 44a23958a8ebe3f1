using FourM.Model.Configuration;
using FourM.Model.Modules;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

/// <summary>Packed rows (valid tokens back to back) encode like padded rows with a padding mask.</summary>
public sealed class PackedEncodingTests
{
    private static readonly FourMConfig Tiny = TinyConfigs.DepthTokensAndCaption;

    /// <summary>Noise rows (B, max, 32), their padding mask (true on padding), and every valid slot's flat position, row by row.</summary>
    /// <summary>Noise rows (B, max, 32) and their padding mask (true on padding).</summary>
    private static (Tensor Padded, Tensor Mask) PaddedRows(long[] lengths, long seed)
    {
        long max = lengths.Max();
        var padded = randn(new long[] { lengths.Length, max, 32 }, generator: new Generator((ulong)seed));
        var mask = zeros(new long[] { lengths.Length, max }, ScalarType.Bool);
        for (int b = 0; b < lengths.Length; b++)
            for (long j = lengths[b]; j < max; j++) mask[b, j] = tensor(true);
        return (padded, mask);
    }

    /// <summary>One attention group: rows of these lengths, packed back to back from <paramref name="tokenStart"/>, padded to <paramref name="width"/>.</summary>
    private static TokenPackingGroup Group(long[] lengths, long width, long tokenStart, Tensor? mask) =>
        new(tensor(PaddedLayout.Positions(lengths, width)), tensor(PaddedLayout.Gather(PaddedLayout.Starts(lengths, tokenStart), lengths, width)),
            lengths.Length, width, mask);

    [Theory]
    [InlineData(AttentionKernel.Exact, MlpLayout.Reference)]
    [InlineData(AttentionKernel.Fused, MlpLayout.Aligned)]
    public void Packed_rows_encode_like_padded_rows(AttentionKernel kernel, MlpLayout layout)
    {
        using var model = FourMModel.CreateRandom(Tiny, 41, ScalarType.Float32, CPU);
        model.Kernel = kernel;
        model.MlpLayout = layout;
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        long[] lengths = [5, 9, 1, 9];
        var (padded, mask) = PaddedRows(lengths, seed: 9);
        // Padding slots hold noise: neither path may let it reach a valid token.
        var expected = model.Encode(padded, mask.unsqueeze(1));
        var whole = Group(lengths, lengths.Max(), 0, mask.clone());
        using var packing = new TokenPacking([whole]);
        var actual = model.EncodePacked(whole.Pack(padded), packing);

        Assert.Equal(new long[] { lengths.Sum(), 32 }, actual.shape);
        var want = whole.Pack(expected);
        Assert.True(actual.allclose(want, rtol: 1e-5, atol: 1e-5), $"max |Δ| {(actual - want).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(AttentionKernel.Exact)]
    [InlineData(AttentionKernel.Fused)]
    public void Rows_attending_in_length_groups_encode_like_padded_rows(AttentionKernel kernel)
    {
        using var model = FourMModel.CreateRandom(Tiny, 43, ScalarType.Float32, CPU);
        model.Kernel = kernel;
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        // Packed shortest first, attending in two groups: rows {2, 3} padded to 3, rows {9, 9} to 9.
        long[] lengths = [2, 3, 9, 9];
        var (padded, mask) = PaddedRows(lengths, seed: 11);
        var expected = model.Encode(padded, mask.unsqueeze(1));
        using var whole = Group(lengths, lengths.Max(), 0, null);
        var packed = whole.Pack(padded);

        using var grouped = new TokenPacking([
            Group([2, 3], 3, 0, mask.narrow(0, 0, 2).narrow(1, 0, 3).clone()),
            Group([9, 9], 9, 5, null),
        ]);
        var actual = model.EncodePacked(packed, grouped);

        var want = whole.Pack(expected);
        Assert.True(actual.allclose(want, rtol: 1e-5, atol: 1e-5), $"max |Δ| {(actual - want).abs().max().item<float>()}");
    }

    [Fact]
    public void Pad_fills_padding_slots_with_the_rows_first_token_and_pack_inverts_it()
    {
        using var scope = NewDisposeScope();
        var packed = arange(1, 11, ScalarType.Float32).reshape(5, 2);            // rows of lengths 1, 3 and 1, width 2
        using var group = Group([1, 3, 1], 3, 0, null);
        var padded = group.Pad(packed);
        Assert.Equal(new float[] { 1, 2, 1, 2, 1, 2, /**/ 3, 4, 5, 6, 7, 8, /**/ 9, 10, 9, 10, 9, 10 }, padded.data<float>().ToArray());
        Assert.True(group.Pack(padded).eq(packed).all().item<bool>());
    }

    [Fact]
    public void A_row_longer_than_the_layout_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PaddedLayout.Gather([0, 2], [2, 3], 2));
        Assert.Throws<ArgumentException>(() => PaddedLayout.Positions([2, 3], 2));
    }
}
