using FourM.Model.Configuration;
using Xunit;

namespace FourM.Model.Tests.Model;

/// <summary>Freshly built 4M-7 presets have the reference's parameter counts (built on the meta device: no weight memory).</summary>
public sealed class ParameterCountTests
{
    [Theory]
    [InlineData(FourMSize.Base, 441_474_048L, 198.8)]
    [InlineData(FourMSize.Large, 1_029_271_552L, 705.7)]
    [InlineData(FourMSize.XLarge, 3_470_024_704L, 2823.0)]
    public void FourM7PresetsMatchTheReference(FourMSize size, long total, double trunkMillions)
    {
        var count = ParameterCount.Of(FourMPresets.Create(size, FourMVariant.SwiGluNoBias));
        Assert.Equal(total, count.Total);
        // The README rounds the trunk to 0.1M (B, L) or 1M (XL).
        var resolution = size == FourMSize.XLarge ? 0.5e6 : 0.05e6;
        Assert.InRange(count.Trunk, trunkMillions * 1e6 - resolution, trunkMillions * 1e6 + resolution);
    }

    [Fact]
    public void TrunkIsTheBlocksNormsProjectionAndMaskToken()
    {
        // Hand count for B: encoder block 4D² + 3·D·2048 + 2D, decoder block 8D² + 3·D·2048 + 4D, plus 2 norms, proj (D²+D), mask token.
        const long d = 768, hidden = 2048;
        long encoderBlock = 4 * d * d + 3 * d * hidden + 2 * d;
        long decoderBlock = 8 * d * d + 3 * d * hidden + 4 * d;
        var expected = 12 * encoderBlock + 12 * decoderBlock + 2 * d + (d * d + d) + d;
        Assert.Equal(expected, ParameterCount.Of(FourMPresets.Create(FourMSize.Base, FourMVariant.SwiGluNoBias)).Trunk);
    }
}
