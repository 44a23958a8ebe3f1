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
    private static (Tensor Padded, Tensor Mask, long[] Positions) PaddedRows(long[] lengths, long seed)
    {
        long max = lengths.Max();
        var padded = randn(new long[] { lengths.Length, max, 32 }, generator: new Generator((ulong)seed));
        var mask = zeros(new long[] { lengths.Length, max }, ScalarType.Bool);
        var positions = new List<long>();
        for (int b = 0; b < lengths.Length; b++)
        {
            for (long j = lengths[b]; j < max; j++) mask[b, j] = tensor(true);
            for (long j = 0; j < lengths[b]; j++) positions.Add(b * max + j);
        }
        return (padded, mask, positions.ToArray());
    }

    private static TokenPacking Packing(long[] positions, long rows, long length, Tensor? mask) =>
        new(tensor(positions), tensor(TokenPacking.PaddedSources(positions, rows, length)), rows, length, mask);

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
        var (padded, mask, positions) = PaddedRows(lengths, seed: 9);
        long max = lengths.Max();
        // Padding slots hold noise: neither path may let it reach a valid token.
        var expected = model.Encode(padded, mask.unsqueeze(1));
        using var packing = Packing(positions, lengths.Length, max, mask.clone());
        var packed = packing.Pack(padded);
        var actual = model.EncodePacked(packed, packing);

        Assert.Equal(new long[] { lengths.Sum(), 32 }, actual.shape);
        var want = packing.Pack(expected);
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
        var (padded, mask, everyRow) = PaddedRows(lengths, seed: 11);
        long max = lengths.Max();
        var expected = model.Encode(padded, mask.unsqueeze(1));
        using var whole = Packing(everyRow, lengths.Length, max, null);
        var packed = whole.Pack(padded);

        TokenPackingGroup Group(int firstRow, int rows, long tokenStart)
        {
            long length = lengths[firstRow + rows - 1];
            var positions = new List<long>();
            for (int j = 0; j < rows; j++)
                for (long k = 0; k < lengths[firstRow + j]; k++) positions.Add(j * length + k);
            var sources = TokenPacking.PaddedSources(positions.ToArray(), rows, length).Select(t => t + tokenStart).ToArray();
            var groupMask = mask.narrow(0, firstRow, rows).narrow(1, 0, length).clone();
            return new TokenPackingGroup(tensor(positions.ToArray()), tensor(sources), rows, length, groupMask);
        }

        using var grouped = new TokenPacking([Group(0, 2, 0), Group(2, 2, 5)]);
        var actual = model.EncodePacked(packed, grouped);

        var want = whole.Pack(expected);
        Assert.True(actual.allclose(want, rtol: 1e-5, atol: 1e-5), $"max |Δ| {(actual - want).abs().max().item<float>()}");
        Assert.Throws<InvalidOperationException>(() => grouped.Pad(packed));
    }

    [Fact]
    public void Pad_fills_padding_slots_with_the_rows_first_token_and_pack_inverts_it()
    {
        using var scope = NewDisposeScope();
        var packed = arange(1, 11, ScalarType.Float32).reshape(5, 2);            // rows of lengths 1, 3 and 1, width 2
        using var packing = Packing([0, 3, 4, 5, 6], 3, 3, null);
        var padded = packing.Pad(packed);
        Assert.Equal(new float[] { 1, 2, 1, 2, 1, 2, /**/ 3, 4, 5, 6, 7, 8, /**/ 9, 10, 9, 10, 9, 10 }, padded.data<float>().ToArray());
        Assert.True(packing.Pack(padded).eq(packed).all().item<bool>());
    }

    [Fact]
    public void A_position_outside_the_layout_is_refused()
    {
        Assert.Throws<ArgumentException>(() => TokenPacking.PaddedSources([0, 4], 2, 2));
    }
}
