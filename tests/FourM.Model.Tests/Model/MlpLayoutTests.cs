using FourM.Model.Checkpoints;
using FourM.Model.Configuration;
using FourM.Model.Modules;
using FourM.Model.Tests.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

/// <summary>The aligned feed-forward (hidden width padded to 64) computes the same function and keeps the checkpoint's layout.</summary>
public sealed class MlpLayoutTests
{
    // Dim 32: the gated hidden width is int(2·128/3) = 85, padded to 128.
    private static readonly FourMConfig Tiny = TinyConfigs.DepthTokensAndCaption;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Aligned_feed_forward_computes_the_reference_function(bool gated)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var generator = new Generator(7);
        using var module = gated
            ? (FeedForwardModule)new GatedMlp(32, 85, bias: true, x => nn.functional.silu(x), CPU, ScalarType.Float32)
            : new Mlp(32, 85, bias: true, nn.functional.gelu, CPU, ScalarType.Float32);
        foreach (var (_, parameter) in module.named_parameters()) parameter.copy_(randn(parameter.shape, generator: generator) * 0.2);
        var x = randn(new long[] { 3, 7, 32 }, generator: generator);
        var weights = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float64));
        var x64 = x.to(ScalarType.Float64);
        Tensor Linear(string name, Tensor input) => input.matmul(weights[name + ".weight"].t()) + weights[name + ".bias"];
        var expected = gated
            ? Linear("fc2", nn.functional.silu(Linear("fc1", x64)) * Linear("fc3", x64))
            : Linear("fc2", nn.functional.gelu(Linear("fc1", x64)));

        var before = module.forward(x);
        module.Layout = MlpLayout.Aligned;
        var aligned = module.forward(x);
        // fc1's parameter is now a view of the zero-padded (128, 32) weight: the padding costs no second copy of it.
        var viewed = module.state_dict()["fc1.weight"];
        Assert.Equal(128L * 32, viewed.storage<float>().Count);
        Assert.Equal(new long[] { 32, 1 }, viewed.stride());
        module.Layout = MlpLayout.Reference;
        var after = module.forward(x);

        Assert.True(aligned.to(ScalarType.Float64).allclose(expected, rtol: 1e-5, atol: 1e-5), "aligned layout deviates from the formula");
        Assert.True(before.to(ScalarType.Float64).allclose(expected, rtol: 1e-5, atol: 1e-5), "reference layout deviates from the formula");
        Assert.True(after.eq(before).all().item<bool>(), "the reference path changed after aligning");
        var shapes = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Equal(new long[] { 85, 32 }, shapes["fc1.weight"]);
        Assert.Equal(new long[] { 32, 85 }, shapes["fc2.weight"]);
        Assert.Equal(new long[] { 85 }, shapes["fc1.bias"]);
    }

    [Fact]
    public void Cpu_models_default_to_the_reference_numerics_and_cuda_models_to_the_fast_ones()
    {
        using var model = FourMModel.CreateRandom(Tiny, 1, ScalarType.Float32, CPU);
        Assert.Equal(MlpLayout.Reference, model.MlpLayout);
        Assert.Equal(AttentionKernel.Exact, model.Kernel);
        Assert.Equal(MlpLayout.Aligned, FourMModel.DefaultMlpLayout(TorchSharp.DeviceType.CUDA));
        Assert.Equal(AttentionKernel.Fused, FourMModel.DefaultKernel(TorchSharp.DeviceType.CUDA));
    }

    [Fact]
    public void An_aligned_model_saves_the_checkpoint_layout_and_reloads_into_fresh_padded_weights()
    {
        using var dir = new TemporaryDirectory();
        var sourcePath = dir.File("source.safetensors");
        var roundTripPath = dir.File("aligned.safetensors");
        using (var source = FourMModel.CreateRandom(Tiny, 31, ScalarType.Float32, CPU)) FourMCheckpointWriter.Save(source, sourcePath);
        using var reference = FourMModel.Load(sourcePath, ScalarType.Float32, CPU);

        // A different model, aligned first, then loaded: its padded copies must follow the loaded weights.
        using var aligned = FourMModel.CreateRandom(Tiny, 32, ScalarType.Float32, CPU);
        aligned.MlpLayout = MlpLayout.Aligned;
        using (var file = SafetensorsFile.Open(sourcePath)) FourMCheckpointLoader.LoadInto(aligned, file);
        FourMCheckpointWriter.Save(aligned, roundTripPath);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(new long[] { 2, 10, 32 }, generator: new Generator(5));
        var expected = reference.Encode(x, null);
        var actual = aligned.Encode(x, null);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max |Δ| {(actual - expected).abs().max().item<float>()}");

        using var reloaded = FourMModel.Load(roundTripPath, ScalarType.Float32, CPU);
        var want = reference.StateDictionary();
        foreach (var (key, tensor) in reloaded.StateDictionary())
        {
            Assert.Equal(want[key].shape, tensor.shape);
            Assert.True(tensor.eq(want[key]).all().item<bool>(), key);
        }
    }
}
