using FourM.Model.Configuration;
using FourM.Model.Modules;
using FourM.Model.Runtime.CudaGraphs;
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

    [Theory]
    [InlineData(AttentionKernel.Exact)]
    [InlineData(AttentionKernel.Fused)]
    public void A_preallocated_cache_gives_the_growing_caches_steps(AttentionKernel kernel)
    {
        using var model = FourMModel.CreateRandom(Tiny(FourMVariant.SwiGluQkNormNoBias), 11, ScalarType.Float32, CPU);
        model.Kernel = kernel;
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        const long steps = 5;
        var (context, crossMask, y) = Inputs(2, 10, steps);
        var prepared = model.PrepareAttentionMask(crossMask);
        using var growing = model.StartDecoding(context);
        using var preallocated = model.StartDecoding(context, capacity: 7);   // two slots never written
        Assert.Null(growing.Capacity);
        Assert.Equal(7, preallocated.Capacity);
        for (long t = 0; t < steps; t++)
        {
            var token = y[TensorIndex.Colon, TensorIndex.Slice(t, t + 1)];
            var expected = model.DecodeStep(growing, token, null, prepared);
            var actual = model.DecodeStep(preallocated, token, null, prepared);
            // Attention also sums the masked slots' zero weights, so only the summation order may differ.
            Assert.True((expected - actual).abs().max().item<float>() < 1e-5f, $"step {t} differs");
        }
        Assert.Equal(steps, preallocated.Length);
    }

    [Fact]
    public void A_preallocated_cache_refuses_what_it_cannot_hold_before_any_work()
    {
        using var model = FourMModel.CreateRandom(Tiny(FourMVariant.SwiGluNoBias), 3, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var (context, crossMask, y) = Inputs(2, 10, 4);
        using var cache = model.StartDecoding(context, capacity: 2);
        var token = y[TensorIndex.Colon, TensorIndex.Slice(0, 1)];
        Assert.Throws<ArgumentException>(() => model.DecodeStep(cache, y[TensorIndex.Colon, TensorIndex.Slice(0, 2)], null, crossMask));
        var causal = zeros(new long[] { 2, 1, 1 }, ScalarType.Bool);
        Assert.Throws<ArgumentException>(() => model.DecodeStep(cache, token, causal, crossMask));
        Assert.Equal(0, cache.Length);
        model.DecodeStep(cache, token, null, crossMask);
        model.DecodeStep(cache, token, null, crossMask);
        var full = Assert.Throws<InvalidOperationException>(() => model.DecodeStep(cache, token, null, crossMask));
        Assert.Contains("holds 2 positions", full.Message);
        Assert.Equal(2, cache.Length);
    }

    [Fact]
    public void The_graphed_decoder_runs_eagerly_off_cuda_and_matches_the_preallocated_steps_bit_for_bit()
    {
        using var model = FourMModel.CreateRandom(Tiny(FourMVariant.SwiGluNoBias), 13, ScalarType.Float32, CPU);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var (context, crossMask, y) = Inputs(2, 10, 6);
        var prepared = model.PrepareAttentionMask(crossMask);
        using var reference = model.StartDecoding(context, capacity: 6);
        using var graphedCache = model.StartDecoding(context, capacity: 6);
        using var graphed = new GraphedDecoder(model, graphedCache, prepared);
        Assert.Equal("not a CUDA device", graphed.Fallback);
        for (long t = 0; t < 6; t++)
        {
            var token = y[TensorIndex.Colon, TensorIndex.Slice(t, t + 1)];
            Assert.True(model.DecodeStep(reference, token, null, prepared).eq(graphed.Step(token)).all().item<bool>(), $"step {t} differs");
        }
        Assert.False(graphed.Replaying);
        Assert.Equal(6, graphedCache.Length);
        using var growing = model.StartDecoding(context);
        Assert.Throws<ArgumentException>(() => new GraphedDecoder(model, growing, prepared));
    }

    [Fact]
    public void Graph_capture_reports_why_it_is_unavailable_on_the_cpu_build_and_issues_nothing()
    {
        // The test projects run on TorchSharp-cpu: libtorch_cuda's entry points are absent.
        Assert.NotNull(CudaGraph.Unsupported);
        bool issued = false;
        var graph = CudaGraph.TryCapture(0, () => issued = true, out var failure);
        Assert.Null(graph);
        Assert.False(issued);
        Assert.Equal(CudaGraph.Unsupported, failure);
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
