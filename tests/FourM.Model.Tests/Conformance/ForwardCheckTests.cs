using FourM.Conformance.Checks;
using FourM.Model.Checkpoints;
using FourM.Model.Configuration;
using FourM.Model.Tests.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Conformance;

/// <summary>The forward check reads config and tensor names from the folder, so it works for other modality sets too.</summary>
public sealed class ForwardCheckTests
{
    private static void WriteCase(string folder, bool corruptLogits)
    {
        var config = FourMPresets.Create(FourMSize.Tiny, FourMVariant.SwiGluQkNormNoBias, ["tok_rgb@224", "det"], ["tok_rgb@224", "det"])
            with { Dim = 16, NumHeads = 2, EncoderDepth = 1, DecoderDepth = 1 };
        using var model = FourMModel.CreateRandom(config, 4, ScalarType.Float32, CPU);
        FourMCheckpointWriter.Save(model, Path.Combine(folder, "model.safetensors"));

        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(8);
        var rgbInput = rand(new long[] { 1, 196 }, generator: generator).gt(0.5);
        var rgbAttention = zeros(new long[] { 1, 196 }, ScalarType.Int32);
        rgbAttention[0, 0] = tensor(196);
        var det = tensor(new long[] { 5, 300, 1300, 2300, 3300, 4255, 3, 0 }).unsqueeze(0);
        var detTarget = tensor(new[] { true, false, false, false, false, false, false, true }).unsqueeze(0);
        var batch = new List<(string, ModalityInput)>
        {
            ("tok_rgb@224", new ModalityInput(randint(0, 16384, new long[] { 1, 196 }, generator: generator), rgbInput, rgbInput.logical_not(), rgbAttention)),
            ("det", new ModalityInput(det, detTarget.logical_not(), detTarget, ones(new long[] { 1, 8 }, ScalarType.Int32))),
        };
        var inputs = new SafetensorsWriter();
        foreach (var (name, input) in batch)
            inputs.Add($"{name}.tensor", input.Tensor).Add($"{name}.input_mask", input.InputMask).Add($"{name}.target_mask", input.TargetMask)
                .Add($"{name}.decoder_attention_mask", input.DecoderAttentionMask);
        inputs.Add("num_encoder_tokens", tensor(new long[] { 120 })).Add("num_decoder_tokens", tensor(new long[] { 150 }));
        inputs.Save(Path.Combine(folder, "inputs_det.safetensors"));

        using var result = model.ForwardTraining(batch, 120, 150);
        if (result.Logits["det"].shape[0] != 5) throw new InvalidOperationException("the case must keep the 5 det targets");
        var outputs = new SafetensorsWriter()
            .Add("encoder.output", result.EncoderOutput).Add("decoder.context", result.Context).Add("loss", result.Loss)
            .Add("mod_loss.det", result.ModalityLoss["det"]).Add("target_ids.det", result.TargetIds["det"])
            .Add("logits.det", corruptLogits ? result.Logits["det"] + 1e-3 : result.Logits["det"])
            .Add("logits.tok_rgb@224", result.Logits["tok_rgb@224"]);
        outputs.Save(Path.Combine(folder, "outputs_det.safetensors"));
    }

    [Fact]
    public void SelfProducedCaseOfAnotherModalitySetPasses()
    {
        using var dir = new TemporaryDirectory();
        WriteCase(dir.Path, corruptLogits: false);
        var check = new ForwardCheck();
        Assert.Equal(["model.safetensors", "inputs_det.safetensors", "outputs_det.safetensors"], check.ClaimedFiles(dir.Path));
        var outcomes = check.Run(dir.Path).ToList();
        Assert.All(outcomes, o => Assert.True(o.Passed, o.ToString()));
        Assert.Contains(outcomes, o => o.Name == "forward outputs_det.safetensors: logits.det");
        Assert.Equal(8, outcomes.Count); // load + 7 tensors
    }

    [Fact]
    public void PerturbedLogitsFailOnTheirLine()
    {
        using var dir = new TemporaryDirectory();
        WriteCase(dir.Path, corruptLogits: true);
        var outcomes = new ForwardCheck().Run(dir.Path).ToList();
        var failed = Assert.Single(outcomes, o => !o.Passed);
        Assert.Equal("forward outputs_det.safetensors: logits.det", failed.Name);
        Assert.Contains("max |Δ| 1.000E-003", failed.Detail);
    }
}
