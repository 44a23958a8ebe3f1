using FourM.Model.Configuration;
using FourM.Model.Modules;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

/// <summary>Packed rows (valid tokens back to back) encode like padded rows with a padding mask.</summary>
public sealed class PackedEncodingTests
{
    private static readonly FourMConfig Tiny = TinyConfigs.DepthTokensAndCaption;

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
        long max = lengths.Max();
        var padded = randn(new long[] { lengths.Length, max, 32 }, generator: new Generator(9));
        var mask = zeros(new long[] { lengths.Length, max }, ScalarType.Bool);
        var positions = new List<long>();
        for (int b = 0; b < lengths.Length; b++)
        {
            for (long j = lengths[b]; j < max; j++) mask[b, j] = tensor(true);
            for (long j = 0; j < lengths[b]; j++) positions.Add(b * max + j);
        }
        // Padding slots hold noise: neither path may let it reach a valid token.
        var expected = model.Encode(padded, mask.unsqueeze(1));
        using var packing = Packing(positions.ToArray(), lengths.Length, max, mask.clone());
        var packed = packing.Pack(padded);
        var actual = model.EncodePacked(packed, packing);

        Assert.Equal(new long[] { lengths.Sum(), 32 }, actual.shape);
        var want = packing.Pack(expected);
        Assert.True(actual.allclose(want, rtol: 1e-5, atol: 1e-5), $"max |Δ| {(actual - want).abs().max().item<float>()}");
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
