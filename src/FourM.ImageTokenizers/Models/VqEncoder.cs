using FourM.ImageTokenizers.Checkpoints;
using FourM.ImageTokenizers.Configuration;
using FourM.ImageTokenizers.Mlp;
using FourM.ImageTokenizers.Quantizers;
using FourM.ImageTokenizers.Vit;
using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Models;

/// <summary>
/// The parts every reference tokenizer shares (<c>VQ</c> base class): optional class embedding for segmentation maps,
/// encoder (ViT or MLP), 1×1 <c>quant_proj</c>, quantizer. Registered on the owning model under the reference names.
/// </summary>
public sealed class VqEncoder
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    private readonly nn.Module<Tensor, Tensor>? _classEmbedding;
    private readonly nn.Module<Tensor, Tensor> _encoder;
    private readonly nn.Module<Tensor, Tensor> _quantProjection;
    private readonly bool _undoStandardization;

    public VqEncoder(nn.Module owner, TokenizerConfig config, CheckpointShapes shapes)
    {
        _undoStandardization = config.UndoImageNetStandardization;
        if (shapes.Has("cls_emb.weight"))
        {
            var table = shapes.Shape("cls_emb.weight");
            _classEmbedding = nn.Embedding(table[0], table[1]);
            owner.register_module("cls_emb", _classEmbedding);
        }
        if (shapes.Has("encoder.proj.weight"))
        {
            var width = shapes.Dim("encoder.proj.weight", 0);
            var heads = VitPreset.Heads(config.EncoderType, width, HeadOverride(config, "enc_num_heads"));
            var vit = VitEncoder.FromShapes(shapes, "encoder", heads, config.PostMlp);
            EncoderWidth = vit.Width;
            _encoder = vit;
        }
        else if (shapes.Has("encoder.linear_in.weight"))
        {
            var mlp = BottleneckMlp.FromShapes(shapes, "encoder");
            EncoderWidth = mlp.DimOut;
            _encoder = mlp;
        }
        else
        {
            throw new InvalidDataException($"{shapes.Source}: no encoder found (expected encoder.proj.* for a ViT or encoder.linear_in.* for an MLP)");
        }
        owner.register_module("encoder", _encoder);
        var projection = shapes.Shape("quant_proj.weight");
        LatentDim = projection[0];
        _quantProjection = nn.Conv2d(projection[1], projection[0], kernel_size: 1);
        owner.register_module("quant_proj", _quantProjection);
        Quantizer = CreateQuantizer(config, shapes);
        owner.register_module("quantize", (nn.Module)Quantizer);
    }

    public long EncoderWidth { get; }
    public long LatentDim { get; }
    public IQuantizer Quantizer { get; }
    public bool TakesClassMap => _classEmbedding is not null;

    internal static int? HeadOverride(TokenizerConfig config, string specificKey) =>
        config.Contains(specificKey) ? config.GetInt(specificKey, 0)
        : config.Contains("num_heads") ? config.GetInt("num_heads", 0)
        : null;

    /// <summary>Input (B, C, H, W) float, or (B, H, W) int64 class indices for a segmentation tokenizer → latents (B, D, h, w).</summary>
    public Tensor Encode(Tensor input)
    {
        using var scope = NewDisposeScope();
        return _quantProjection.forward(EncodeFeatures(input)).MoveToOuterDisposeScope();
    }

    /// <summary>The encoder's output before <c>quant_proj</c> (B, encoder width, h, w).</summary>
    public Tensor EncodeFeatures(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        if (_undoStandardization)
        {
            var mean = tensor(ImageNetMean, device: x.device).reshape(1, 3, 1, 1).to(x.dtype);
            var std = tensor(ImageNetStd, device: x.device).reshape(1, 3, 1, 1).to(x.dtype);
            x = (x * std).Plus(mean).MulBy(2).Minus(1);
        }
        if (_classEmbedding is not null)
        {
            if (x.dtype != ScalarType.Int64) throw new ArgumentException($"a segmentation tokenizer takes int64 class maps (B, H, W), got {x.dtype}");
            x = _classEmbedding.forward(x).permute(0, 3, 1, 2);
        }
        return _encoder.forward(x).MoveToOuterDisposeScope();
    }

    private static IQuantizer CreateQuantizer(TokenizerConfig config, CheckpointShapes shapes)
    {
        switch (config.QuantizerType)
        {
            case "lucid":
                if (shapes.Has("quantize.project_in.weight") || config.CodebookCount != 1)
                    throw new NotSupportedException($"{shapes.Source}: lucid quantizers with {config.CodebookCount} codebooks are not supported (the reference cannot decode them either)");
                var codebook = shapes.Shape("quantize._codebook.embed");
                return new CodebookQuantizer(codebook[0], codebook[1], config.NormalizeCodes);
            case "memcodes":
                var codes = shapes.Shape("quantize.codes");
                return new MemcodesQuantizer(codes[0], codes[1], codes[2]);
            default:
                throw new NotSupportedException($"{shapes.Source}: quant_type '{config.QuantizerType}' is not 'lucid' or 'memcodes'");
        }
    }
}
