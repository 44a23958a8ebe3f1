using FourM.ImageTokenizers.Checkpoints;
using FourM.ImageTokenizers.Diffusion.Unet;
using FourM.Model.Checkpoints;
using FourM.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Tests.Unet;

public sealed class UnetLayoutTests
{
    [GoldenFact]
    public void Layout_from_settings_rebuilds_the_golden_unet_tensor_for_tensor()
    {
        // The golden DiVAE's UNet: model_channels 32, one res block, channel_mult (1, 1), attention at ds 2, patch 4.
        using var file = SafetensorsFile.Open(Goldens.File("divae_tiny.safetensors"));
        using var unet = new PatchedUnet(UnetLayout.FromSettings(3, 32, 4, 32, 1, [2], [1, 1]));
        var expected = file.Entries.Where(e => e.Key.StartsWith("decoder.", StringComparison.Ordinal))
            .ToDictionary(e => e.Key["decoder.".Length..], e => e.Value.Shape);
        var actual = unet.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, kv => Assert.Equal(kv.Value, actual[kv.Key]));
    }

    [Fact]
    public void Reference_sized_layout_has_the_divae_structure()
    {
        var layout = UnetLayout.FromSettings(3, 32, 4, 256, 3, [4, 8], [1, 2, 2, 2]);
        Assert.Equal(3 * 16 + 32, ((ConvSpec)layout.InputStages[0][0]).In);
        Assert.Equal(1 + 4 * 3 + 3, layout.InputStages.Count);
        Assert.Equal(4 * 4, layout.OutputStages.Count);
        Assert.Equal(1024, layout.EmbeddingChannels);
        // Attention at ds 4 and 8 only: levels 2 and 3 of the encoder path.
        var attentionStages = layout.InputStages.Select((s, i) => (s, i)).Where(p => p.s.Any(l => l is AttentionSpec)).Select(p => p.i);
        Assert.Equal([9, 10, 11, 13, 14, 15], attentionStages);
    }

    [Fact]
    public void Forward_keeps_the_image_shape()
    {
        using var unet = new PatchedUnet(UnetLayout.FromSettings(1, 8, 2, 32, 1, [2], [1, 2]));
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var output = unet.forward(randn(2, 1, 16, 16), tensor(new long[] { 10 }), randn(2, 8, 2, 2));
        Assert.Equal([2L, 1, 16, 16], output.shape);
    }

    [Fact]
    public void Shapes_from_a_checkpoint_that_lacks_the_unet_input_are_refused()
    {
        var shapes = new CheckpointShapes(new Dictionary<string, long[]> { ["decoder.time_embed.0.weight"] = [128, 32] }, "broken.safetensors");
        var error = Assert.Throws<InvalidDataException>(() => UnetLayout.FromShapes(shapes, "decoder", 3, 32, 1));
        Assert.Contains("decoder.input_blocks.0.0.weight", error.Message);
    }
}
