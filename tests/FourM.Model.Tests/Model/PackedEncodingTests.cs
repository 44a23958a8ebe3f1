using FourM.Model.Configuration;
using FourM.Model.Modules;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

/// <summary>Packed rows (valid tokens back to back) encode like padded rows with a padding mask.</summary>
public sealed class PackedEncodingTests
{
    private static readonly FourMConfig Tiny = TinyConfigs.DepthTokensAndCaption;

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
        using var packing = new TokenPacking(tensor(positions.ToArray()), lengths.Length, max, mask.clone());
        var packed = packing.Pack(padded);
        var actual = model.EncodePacked(packed, packing);

        Assert.Equal(new long[] { lengths.Sum(), 32 }, actual.shape);
        var want = packing.Pack(expected);
        Assert.True(actual.allclose(want, rtol: 1e-5, atol: 1e-5), $"max |Δ| {(actual - want).abs().max().item<float>()}");
    }

    [Fact]
    public void Pad_puts_zeros_in_padding_slots_and_pack_inverts_it()
    {
        using var scope = NewDisposeScope();
        var packed = arange(1, 7, ScalarType.Float32).reshape(3, 2);             // rows of lengths 1 and 2, width 2
        using var packing = new TokenPacking(tensor(new long[] { 0, 2, 3 }), 2, 2, null);
        var padded = packing.Pad(packed);
        Assert.Equal(new float[] { 1, 2, 0, 0, 3, 4, 5, 6 }, padded.data<float>().ToArray());
        Assert.True(packing.Pack(padded).eq(packed).all().item<bool>());
    }
}
