using FourM.Model;
using FourM.Model.Assembly;
using FourM.Model.Configuration;
using static TorchSharp.torch;

namespace FourM.Cli.Commands;

/// <summary>
/// One 4M-7 forward of the benchmark shape: encoder over 400 tokens (rgb@224 pixels 196 + tok_depth@224 196 + caption 8),
/// decoder over the 196 mask-token queries of tok_rgb@224 (full attention within the target), logits over its 16384 tokens —
/// the work of one MaskGIT step. Inputs are built once; <see cref="Run"/> repeats the whole pipeline.
/// </summary>
public sealed class BenchForwardWorkload : IDisposable
{
    public const int EncoderTokens = 400;
    public const int DecoderTokens = 196;
    private const int CaptionTokens = EncoderTokens - 2 * 196;
    private const string Target = "tok_rgb@224";

    private readonly FourMModel _model;
    private readonly List<Tensor> _owned = [];
    private readonly Tensor _pixels, _depth, _caption, _imageMask, _captionMask, _targetIds, _targetAttention;

    public BenchForwardWorkload(FourMModel model, int batch)
    {
        _model = model;
        var device = model.Device;
        var generator = new Generator(1234);
        _pixels = Own(randn(new long[] { batch, 3, 224, 224 }, generator: generator).to(model.Dtype, device));
        _depth = Own(randint(0, 8192, new long[] { batch, 196 }, generator: generator).to(device));
        _caption = Own(randint(4, 30000, new long[] { batch, CaptionTokens }, generator: generator).to(device));
        _imageMask = Own(zeros(new long[] { batch, 196 }, ScalarType.Bool, device));
        _captionMask = Own(zeros(new long[] { batch, CaptionTokens }, ScalarType.Bool, device));
        _targetIds = Own(zeros(new long[] { batch, 196 }, ScalarType.Int64, device));
        // Image target: the whole count at the first position = full attention among the 196 queries.
        var attention = zeros(new long[] { batch, 196 }, ScalarType.Int64);
        attention[TensorIndex.Colon, 0] = tensor(196L);
        _targetAttention = Own(attention.to(device));
    }

    private Tensor Own(Tensor tensor)
    {
        _owned.Add(tensor.DetachFromDisposeScope());
        return tensor;
    }

    /// <summary>One forward; returns nothing so the caller only times it (results are disposed here).</summary>
    public void Run()
    {
        using var scope = NewDisposeScope();
        var rgb = _model.EmbedEncoderInput("rgb@224", _pixels, _imageMask);
        var depth = _model.EmbedEncoderInput("tok_depth@224", _depth, _imageMask);
        var caption = _model.EmbedEncoderInput("caption", _caption, _captionMask);
        var encoder = _model.AssembleEncoder(
        [
            new EncoderPart("rgb@224", _model.ModalityId("rgb@224"), rgb.X, rgb.Emb, _imageMask),
            new EncoderPart("tok_depth@224", _model.ModalityId("tok_depth@224"), depth.X, depth.Emb, _imageMask),
            new EncoderPart("caption", _model.ModalityId("caption"), caption.X, caption.Emb, _captionMask),
        ], EncoderTokens);
        var encoded = _model.Encode(encoder.Tokens.add(encoder.Emb), encoder.Mask);
        var context = _model.ProjectContext(encoded, encoder.Emb);
        var target = _model.EmbedDecoderTarget(Target, _targetIds, _imageMask);
        var queries = _model.MaskToken.expand(target.Emb.shape[0], target.Emb.shape[1], -1);
        var decoder = _model.AssembleDecoder(
            [new DecoderPart(Target, _model.ModalityId(Target), false, queries, target.Emb, target.Ids, _imageMask, _targetAttention)], DecoderTokens);
        var output = _model.Decode(decoder.Tokens.add(decoder.Emb), context, decoder.AttentionMask, encoder.Mask);
        _model.Logits(Target, output);
    }

    /// <summary>Floating-point operations of one forward (2 per multiply-add), from the shapes; PyTorch baseline uses the same formula.</summary>
    public static double Flops(FourMConfig config, int batch, long vocab = 16384)
    {
        double d = config.Dim, h = config.MlpHiddenDim, e = EncoderTokens, m = DecoderTokens;
        var encoderLayer = 2 * e * (4 * d * d + 3 * d * h) + 4 * e * e * d;
        var decoderLayer = 2 * m * (4 * d * d) + 4 * m * m * d      // self-attention
                         + 2 * m * (2 * d * d) + 2 * e * (2 * d * d) + 4 * m * e * d   // cross-attention
                         + 2 * m * 3 * d * h;                        // gated MLP
        var rest = 2 * e * d * d + 2 * m * d * vocab;               // context projection, logits
        return batch * (config.EncoderDepth * encoderLayer + config.DecoderDepth * decoderLayer + rest);
    }

    public void Dispose()
    {
        foreach (var tensor in _owned) tensor.Dispose();
    }
}
