using FourM.ImageTokenizers.Checkpoints;
using FourM.ImageTokenizers.Configuration;
using FourM.ImageTokenizers.Diffusion.Unet;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Models;

/// <summary>Reference <c>DiVAE</c>: <see cref="VqEncoder"/> plus the patched UNet diffusion decoder.</summary>
public sealed class DiVaeModel : nn.Module
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    public DiVaeModel(TokenizerConfig config, CheckpointShapes shapes) : base(nameof(DiVaeModel))
    {
        Encoder = new VqEncoder(this, config, shapes);
        // guided-diffusion attention uses one head unless the config says otherwise.
        var heads = config.GetInt("unet_num_heads", 1);
        Unet = PatchedUnet.FromShapes(shapes, "decoder", config.ChannelCount, Encoder.LatentDim, heads);
        register_module("decoder", Unet);
    }

    public VqEncoder Encoder { get; }
    public PatchedUnet Unet { get; }
}
