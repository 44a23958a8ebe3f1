using FourM.Model.Checkpoints;
using FourM.Model.Embeddings;
using FourM.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

public sealed class SinCosPositionTests
{
    /// <summary>The stored buffers are the reference's float32 tables rounded to bf16; ours must round to the same values.</summary>
    [GoldenTheory]
    [InlineData("encoder_embeddings.rgb@224.pos_emb", 14, 14)]
    [InlineData("encoder_embeddings.tok_depth@224.pos_emb", 14, 14)]
    [InlineData("decoder_embeddings.tok_semseg@224.pos_emb", 14, 14)]
    [InlineData("encoder_embeddings.caption.pos_emb", 0, 512)]
    [InlineData("decoder_embeddings.caption.pos_emb", 0, 512)]
    public void TablesEqualTheStoredBuffersToBf16Rounding(string key, long h, long w)
    {
        using var file = SafetensorsFile.Open(Goldens.File("model.safetensors"));
        using var stored = file.ReadTensor(key);
        using var ours = h == 0 ? SinCosPositions.Build1D(w, 32) : SinCosPositions.Build2D(h, w, 32);
        Assert.Equal(stored.shape, ours.shape);
        using var rounded = ours.to_type(ScalarType.BFloat16);
        var differing = rounded.ne(stored).sum().item<long>();
        Assert.Equal(0, differing);
    }

    [Fact]
    public void TwoDimensionalLayoutTransposesRowsAndColumnsLikeTheReference()
    {
        // Flat index n holds the w-part n // h and the h-part n % h: with h=2, w=3, index 1 is (w=0, h=1).
        using var table = SinCosPositions.Build2D(2, 3, 4);
        var row = table[0, 1].data<float>().ToArray();
        Assert.Equal([0f, 1f, MathF.Sin(1f), MathF.Cos(1f)], row, new ToleranceComparer(1e-6f));
        var last = table[0, 5].data<float>().ToArray(); // w=2, h=1
        Assert.Equal([MathF.Sin(2f), MathF.Cos(2f), MathF.Sin(1f), MathF.Cos(1f)], last, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void OneDimensionalTableUsesHalfTheWidthPerFunction()
    {
        using var table = SinCosPositions.Build1D(8, 4);
        // ω = [1, 1/100]; position 3 → [sin 3, sin 0.03, cos 3, cos 0.03].
        Assert.Equal([MathF.Sin(3f), MathF.Sin(0.03f), MathF.Cos(3f), MathF.Cos(0.03f)], table[0, 3].data<float>().ToArray(), new ToleranceComparer(1e-6f));
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
