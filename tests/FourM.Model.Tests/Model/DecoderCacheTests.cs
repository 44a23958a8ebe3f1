using FourM.Model.Configuration;
using FourM.Model.Modules;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

/// <summary>Incremental decoding with a KV cache and the fused kernel give what the full exact decoder gives.</summary>
public sealed class DecoderCacheTests
{
    private static FourMConfig Tiny(FourMVariant variant) => FourMPresets.Create(FourMSize.Tiny, variant, ["rgb@224", "caption"], ["caption"]) with
    {
        Dim = 32, NumHeads = 2, EncoderDepth = 2, DecoderDepth = 2,
    };

    private static (Tensor Context, Tensor CrossMask, Tensor Y) Inputs(long batch, long contextLength, long steps)
    {
        var generator = new TorchSharp.torch.Generator(7);
        var context = randn(new long[] { batch, contextLength, 32 }, generator: generator);
        var crossMask = zeros(new long[] { batch, 1, contextLength }, ScalarType.Bool);
        crossMask[1, 0, TensorIndex.Slice(contextLength - 3, null)] = tensor(true); // second sample has padding
        var y = randn(new long[] { batch, steps, 32 }, generator: generator);
        return (context, crossMask, y);
    }

    [Theory]
    [InlineData(FourMVariant.SwiGluNoBias)]
    [InlineData(FourMVariant.SwiGluQkNormNoBias)]
    [InlineData(FourMVariant.Gelu)]
    public void IncrementalStepsEqualTheFullCausalDecoder(FourMVariant variant)
    {
        using var model = FourMModel.CreateRandom(Tiny(variant), 3, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        const long steps = 6;
        var (context, crossMask, y) = Inputs(2, 10, steps);
        var causal = ones(new long[] { steps, steps }, ScalarType.Bool).triu(1).expand(2, -1, -1);
        var full = model.Decode(y, context, causal, crossMask);

        using var cache = model.StartDecoding(context);
        // A 2-token prefix in one call (causal within it), then one token at a time.
        var prefixMask = ones(new long[] { 2, 2 }, ScalarType.Bool).triu(1).expand(2, -1, -1);
        var pieces = new List<Tensor> { model.DecodeStep(cache, y[TensorIndex.Colon, TensorIndex.Slice(0, 2)], prefixMask, crossMask) };
        for (long t = 2; t < steps; t++)
            pieces.Add(model.DecodeStep(cache, y[TensorIndex.Colon, TensorIndex.Slice(t, t + 1)], null, crossMask));
        Assert.Equal(steps, cache.Length);
        var incremental = cat(pieces.ToArray(), 1);
        Assert.True((incremental - full).abs().max().item<float>() < 1e-5f);
    }

    [Theory]
    [InlineData(AttentionKernel.Exact)]
    [InlineData(AttentionKernel.Fused)]
    public void A_cross_mask_prepared_once_gives_the_same_steps_bit_for_bit(AttentionKernel kernel)
    {
        using var model = FourMModel.CreateRandom(Tiny(FourMVariant.SwiGluNoBias), 9, ScalarType.Float32, CPU);
        model.Kernel = kernel;
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var (context, crossMask, y) = Inputs(2, 10, 4);
        var prepared = model.PrepareAttentionMask(crossMask)!;
        Assert.Equal(4, prepared.dim());

        using var rawCache = model.StartDecoding(context);
        using var preparedCache = model.StartDecoding(context);
        for (long t = 0; t < 4; t++)
        {
            var token = y[TensorIndex.Colon, TensorIndex.Slice(t, t + 1)];
            var raw = model.DecodeStep(rawCache, token, null, crossMask);
            var reused = model.DecodeStep(preparedCache, token, null, prepared);
            Assert.True(raw.eq(reused).all().item<bool>(), $"step {t} differs");
        }
    }

    [Fact]
    public void FusedKernelMatchesTheExactOne()
    {
        using var model = FourMModel.CreateRandom(Tiny(FourMVariant.SwiGluNoBias), 5, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var (context, crossMask, y) = Inputs(2, 10, 6);
        var causal = ones(new long[] { 6, 6 }, ScalarType.Bool).triu(1).expand(2, -1, -1);
        var exact = model.Decode(y, context, causal, crossMask);
        var encodedExact = model.Encode(context, crossMask);
        model.Kernel = AttentionKernel.Fused;
        var fused = model.Decode(y, context, causal, crossMask);
        var encodedFused = model.Encode(context, crossMask);
        Assert.True((exact - fused).abs().max().item<float>() < 1e-5f);
        Assert.True((encodedExact - encodedFused).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void EncoderOnlyFeaturesAreTheEncoderOverAllPatches()
    {
        using var model = FourMModel.CreateRandom(Tiny(FourMVariant.SwiGluNoBias), 9, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var pixels = randn(new long[] { 1, 3, 224, 224 }, generator: new TorchSharp.torch.Generator(1));
        var features = model.EncodeImageFeatures(pixels);
        Assert.Equal([1, 196, 32], features.shape);
        var allValid = zeros(new long[] { 1, 196 }, ScalarType.Bool);
        var embedded = model.EmbedEncoderInput("rgb@224", pixels, allValid);
        var viaMask = model.Encode(embedded.X + embedded.Emb, allValid.unsqueeze(1));
        Assert.True((features - viaMask).abs().max().item<float>() < 1e-6f);
    }
}
