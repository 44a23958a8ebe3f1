using FourM.ImageTokenizers.Checkpoints;
using FourM.ImageTokenizers.Configuration;
using FourM.ImageTokenizers.Mlp;
using FourM.ImageTokenizers.Vit;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Models;

/// <summary>
/// Reference <c>VQVAE</c>: <see cref="VqEncoder"/>, then <c>post_quant_proj</c> (1×1) and a ViT or MLP decoder. For
/// segmentation the decoder returns per-class logits (B, n_labels, H, W); otherwise the reconstructed map.
/// </summary>
public sealed class VqVaeModel : nn.Module
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly nn.Module<Tensor, Tensor> _postQuantProjection;
    private readonly nn.Module<Tensor, Tensor> _decoder;

    public VqVaeModel(TokenizerConfig config, CheckpointShapes shapes) : base(nameof(VqVaeModel))
    {
        Encoder = new VqEncoder(this, config, shapes);
        var projection = shapes.Shape("post_quant_proj.weight");
        _postQuantProjection = nn.Conv2d(projection[1], projection[0], kernel_size: 1);
        register_module("post_quant_proj", _postQuantProjection);
        OutChannels = config.LabelCount ?? config.ChannelCount;
        if (shapes.Has("decoder.out_proj.weight"))
        {
            var width = shapes.Dim("decoder.pos_emb", 1);
            var heads = VitPreset.Heads(config.DecoderType, width, VqEncoder.HeadOverride(config, "dec_num_heads"));
            _decoder = VitDecoder.FromShapes(shapes, "decoder", heads, OutChannels, config.PostMlp);
        }
        else if (shapes.Has("decoder.linear_in.weight"))
        {
            _decoder = BottleneckMlp.FromShapes(shapes, "decoder");
        }
        else
        {
            throw new InvalidDataException($"{shapes.Source}: no decoder found (expected decoder.out_proj.* for a ViT or decoder.linear_in.* for an MLP)");
        }
        register_module("decoder", _decoder);
    }

    public VqEncoder Encoder { get; }
    public long OutChannels { get; }

    public Tensor DecodeLatent(Tensor latent)
    {
        using var scope = NewDisposeScope();
        return _decoder.forward(_postQuantProjection.forward(latent)).MoveToOuterDisposeScope();
    }
}
