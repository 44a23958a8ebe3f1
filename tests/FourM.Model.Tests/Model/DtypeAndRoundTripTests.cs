using FourM.Model.Checkpoints;
using FourM.Model.Configuration;
using FourM.Model.Tests.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

public sealed class DtypeAndRoundTripTests
{
    private static readonly FourMConfig Tiny = FourMPresets.Create(FourMSize.Tiny, FourMVariant.SwiGluNoBias,
        ["rgb@224", "tok_depth@224", "caption"], ["tok_depth@224", "caption"]) with { Dim = 32, NumHeads = 2, EncoderDepth = 2, DecoderDepth = 2 };

    private static List<(string, ModalityInput)> Batch()
    {
        var generator = new TorchSharp.torch.Generator(3);
        var pixels = randn(new long[] { 2, 3, 224, 224 }, generator: generator);
        var imageInput = rand(new long[] { 2, 196 }, generator: generator).gt(0.7);
        var depth = randint(0, 8192, new long[] { 2, 196 }, generator: generator);
        var depthTarget = imageInput.logical_not().logical_and(rand(new long[] { 2, 196 }, generator: generator).gt(0.8));
        var depthAttention = zeros(new long[] { 2, 196 }, ScalarType.Int32);
        depthAttention[TensorIndex.Colon, 0] = tensor(196);
        var caption = tensor(new int[] { 5, 40, 41, 6, 3, 0, 5, 17, 6, 0, 0, 0, 3, 8, 9, 10, 11, 3, 0, 0 }).reshape(2, 10);
        var captionInput = tensor(new[] { false, false, false, false, false, true, true, true, true, true, false, false, false, true, true, true, true, true, true, true }).reshape(2, 10);
        var captionTarget = captionInput.logical_not();
        var captionAttention = ones(new long[] { 2, 10 }, ScalarType.Int32);
        return
        [
            ("rgb@224", new ModalityInput(pixels, imageInput, ones(new long[] { 2, 196 }, ScalarType.Bool), zeros(new long[] { 2, 196 }, ScalarType.Int32))),
            ("tok_depth@224", new ModalityInput(depth, imageInput.logical_not(), depthTarget.logical_not(), depthAttention)),
            ("caption", new ModalityInput(caption, captionInput, captionTarget, captionAttention)),
        ];
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, 0.15)]
    [InlineData(ScalarType.Float16, 0.02)]
    public void ReducedPrecisionForwardTracksFloat32(ScalarType dtype, double lossTolerance)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("tiny.safetensors");
        using (var source = FourMModel.CreateRandom(Tiny, 21, ScalarType.Float32, CPU)) FourMCheckpointWriter.Save(source, path);
        using var model32 = FourMModel.Load(path, ScalarType.Float32, CPU);
        using var reduced = FourMModel.Load(path, dtype, CPU);
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var batch = Batch();
        using var a = model32.ForwardTraining(batch, 120, 60);
        using var b = reduced.ForwardTraining(batch, 120, 60);
        Assert.Equal(dtype, b.DecoderOutput.dtype);
        Assert.False(b.DecoderOutput.isnan().any().item<bool>());
        Assert.InRange(Math.Abs(a.Loss.item<float>() - b.Loss.to_type(ScalarType.Float32).item<float>()), 0, lossTolerance);
        Assert.True(a.Encoder.ModMask.eq(b.Encoder.ModMask).all().item<bool>());
    }

    [Fact]
    public void SavedModelsReloadBitIdentically()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("tiny.safetensors");
        using var source = FourMModel.CreateRandom(Tiny, 22, ScalarType.Float32, CPU);
        FourMCheckpointWriter.Save(source, path);
        var loaded = FourMCheckpointLoader.Load(path, ScalarType.Float32, CPU);
        using var model = loaded.Model;
        Assert.Empty(loaded.Report.Missing);
        Assert.Empty(loaded.Report.Unexpected);
        var a = source.StateDictionary();
        foreach (var (key, tensor) in model.StateDictionary()) Assert.True(tensor.eq(a[key]).all().item<bool>(), key);
        Assert.Equal(Tiny with { DomainsIn = [], DomainsOut = [] }, model.Config with { DomainsIn = [], DomainsOut = [] });
    }

    [Fact]
    public void RandomModelsAreDeterministicPerSeed()
    {
        using var a = FourMModel.CreateRandom(Tiny, 5, ScalarType.Float32, CPU);
        using var b = FourMModel.CreateRandom(Tiny, 5, ScalarType.Float32, CPU);
        using var c = FourMModel.CreateRandom(Tiny, 6, ScalarType.Float32, CPU);
        var key = "decoder.1.mlp.fc3.weight";
        Assert.True(a.StateDictionary()[key].eq(b.StateDictionary()[key]).all().item<bool>());
        Assert.False(a.StateDictionary()[key].eq(c.StateDictionary()[key]).all().item<bool>());
    }
}
