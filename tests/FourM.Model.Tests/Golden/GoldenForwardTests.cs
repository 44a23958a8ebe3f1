using FourM.Model.Checkpoints;
using FourM.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Golden;

/// <summary>The public golden forward pass: the tiny checkpoint loaded into fp32 must reproduce the reference's outputs.</summary>
public sealed class GoldenForwardTests
{
    private const double ActivationTolerance = 1e-5;
    private const double LossTolerance = 1e-6;

    /// <summary>README.json → forward → decoder_modality_order: the order the reference's shuffle produced.</summary>
    private static List<string> ReferenceDecoderOrder()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Goldens.File("README.json")));
        return doc.RootElement.GetProperty("forward").GetProperty("decoder_modality_order").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static (FourMModel Model, TrainingForwardResult Result, SafetensorsFile Outputs) Run(bool referenceDecoderOrder = false)
    {
        var model = FourMModel.Load(Goldens.File("model.safetensors"), ScalarType.Float32, CPU);
        using var inputs = SafetensorsFile.Open(Goldens.File("inputs.safetensors"));
        var batch = SampleDictionaryReader.Read(inputs, model.Config.DomainsIn.Concat(model.Config.DomainsOut));
        var numEncoder = inputs.ReadTensor("num_encoder_tokens").item<long>();
        var numDecoder = inputs.ReadTensor("num_decoder_tokens").item<long>();
        IReadOnlyList<string>? order = referenceDecoderOrder ? ReferenceDecoderOrder() : null;
        using var inference = inference_mode();
        var result = model.ForwardTraining(batch, numEncoder, numDecoder, order);
        return (model, result, SafetensorsFile.Open(Goldens.File("outputs.safetensors")));
    }

    private static void AssertClose(SafetensorsFile outputs, string name, Tensor actual, double tolerance)
    {
        using var expected = outputs.ReadTensor(name);
        Assert.Equal(expected.shape, actual.shape);
        if (expected.is_floating_point())
        {
            var difference = (actual.to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs().max().item<double>();
            Assert.True(difference <= tolerance, $"{name}: max |Δ| {difference:E3} > {tolerance:E0}");
        }
        else
        {
            Assert.True(actual.to_type(expected.dtype).eq(expected).all().item<bool>(), $"{name}: integer/bool values differ");
        }
    }

    [GoldenFact]
    public void EncoderContextLogitsAndLossesMatchTheReference()
    {
        var (model, result, outputs) = Run();
        using (model) using (result) using (outputs)
        {
            AssertClose(outputs, "encoder.tokens", result.Encoder.Tokens, ActivationTolerance);
            AssertClose(outputs, "encoder.emb", result.Encoder.Emb, ActivationTolerance);
            AssertClose(outputs, "encoder.mask", result.Encoder.Mask, 0);
            AssertClose(outputs, "encoder.mod_mask", result.Encoder.ModMask, 0);
            AssertClose(outputs, "encoder.output", result.EncoderOutput, ActivationTolerance);
            AssertClose(outputs, "decoder.context", result.Context, ActivationTolerance);
            foreach (var modality in model.Config.DomainsOut)
            {
                AssertClose(outputs, $"logits.{modality}", result.Logits[modality], ActivationTolerance);
                AssertClose(outputs, $"target_ids.{modality}", result.TargetIds[modality], 0);
                AssertClose(outputs, $"mod_loss.{modality}", result.ModalityLoss[modality], LossTolerance);
            }
            AssertClose(outputs, "loss", result.Loss, LossTolerance);
            AssertClose(outputs, "loss_token", result.TokenLoss, LossTolerance);
        }
    }

    [GoldenFact]
    public void DecoderTensorsMatchInTheReferenceModalityOrder()
    {
        var (model, result, outputs) = Run(referenceDecoderOrder: true);
        using (model) using (result) using (outputs)
        {
            AssertClose(outputs, "decoder.tokens", result.Decoder.Tokens, ActivationTolerance);
            AssertClose(outputs, "decoder.emb", result.Decoder.Emb, ActivationTolerance);
            AssertClose(outputs, "decoder.mask", result.Decoder.Mask, 0);
            AssertClose(outputs, "decoder.target_ids", result.Decoder.TargetIds, 0);
            AssertClose(outputs, "decoder.attention_mask", result.Decoder.AttentionMask, 0);
            AssertClose(outputs, "decoder.mod_mask", result.Decoder.ModMask, 0);
            AssertClose(outputs, "decoder.output", result.DecoderOutput, ActivationTolerance);
        }
    }
}
