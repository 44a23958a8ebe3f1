using System.Text.Json;
using FourM.Model;
using FourM.Model.Checkpoints;
using static TorchSharp.torch;

namespace FourM.Conformance.Checks;

/// <summary>
/// The training-style forward pass: for every <c>inputs*.safetensors</c> / <c>outputs*.safetensors</c> pair beside a
/// <c>model.safetensors</c>, loads the model in float32 on the CPU, runs the forward on the stored sample dict and compares every
/// output tensor by name (activations and logits atol 1e-5, losses 1e-6, integers and masks exactly). Modalities and token counts
/// come from the files; the decoder modality order (which only the <c>decoder.*</c> tensors depend on) from README.json when present.
/// </summary>
public sealed class ForwardCheck : IConformanceCheck
{
    private const double ActivationTolerance = 1e-5;
    private const double LossTolerance = 1e-6;

    public IEnumerable<string> ClaimedFiles(string goldenDir)
    {
        var cases = Cases(goldenDir).ToList();
        if (cases.Count == 0) return [];
        var claimed = new List<string> { FourMCheckpointLoader.WeightsFileName };
        if (File.Exists(Path.Combine(goldenDir, FourMCheckpointLoader.ConfigFileName))) claimed.Add(FourMCheckpointLoader.ConfigFileName);
        foreach (var (inputs, outputs) in cases) claimed.AddRange([inputs, outputs]);
        return claimed;
    }

    public IEnumerable<CheckOutcome> Run(string goldenDir)
    {
        var cases = Cases(goldenDir).ToList();
        if (cases.Count == 0) return [];
        var outcomes = new List<CheckOutcome>();
        FourMModel model;
        try
        {
            model = FourMModel.Load(goldenDir, ScalarType.Float32, CPU);
        }
        catch (Exception ex)
        {
            return [CheckOutcome.Fail($"forward {FourMCheckpointLoader.WeightsFileName}", $"load failed: {ex.Message}")];
        }
        using (model)
        {
            outcomes.Add(CheckOutcome.Pass($"forward {FourMCheckpointLoader.WeightsFileName}: load"));
            var decoderOrder = DecoderOrder(goldenDir);
            foreach (var (inputs, outputs) in cases)
            {
                try
                {
                    // README.json records the shuffle of the main case only.
                    var order = outputs == "outputs.safetensors" ? decoderOrder : null;
                    outcomes.AddRange(RunCase(model, Path.Combine(goldenDir, inputs), Path.Combine(goldenDir, outputs), outputs, order));
                }
                catch (Exception ex)
                {
                    outcomes.Add(CheckOutcome.Fail($"forward {outputs}", $"{ex.GetType().Name}: {ex.Message}"));
                }
            }
        }
        return outcomes;
    }

    private static IEnumerable<(string Inputs, string Outputs)> Cases(string dir)
    {
        if (!File.Exists(Path.Combine(dir, FourMCheckpointLoader.WeightsFileName))) yield break;
        foreach (var outputs in Directory.EnumerateFiles(dir, "outputs*.safetensors").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
        {
            var inputs = "inputs" + outputs["outputs".Length..];
            if (File.Exists(Path.Combine(dir, inputs))) yield return (inputs, outputs);
        }
    }

    private static List<CheckOutcome> RunCase(FourMModel model, string inputsPath, string outputsPath, string label, IReadOnlyList<string>? decoderOrder)
    {
        using var scope = NewDisposeScope();
        using var inputs = SafetensorsFile.Open(inputsPath);
        using var outputs = SafetensorsFile.Open(outputsPath);
        var order = model.Config.DomainsIn.Concat(model.Config.DomainsOut).ToList();
        var batch = SampleDictionaryReader.Read(inputs, order);
        var numEncoder = inputs.ReadTensor("num_encoder_tokens").to_type(ScalarType.Int64).flatten()[0].item<long>();
        var numDecoder = inputs.ReadTensor("num_decoder_tokens").to_type(ScalarType.Int64).flatten()[0].item<long>();
        var orderKnown = decoderOrder is not null && decoderOrder.ToHashSet().SetEquals(batch.Select(b => b.Modality).Where(model.DecoderModalities.Contains));

        using var inference = inference_mode();
        using var result = model.ForwardTraining(batch, numEncoder, numDecoder, orderKnown ? decoderOrder : null);
        var produced = Produced(result);
        var outcomes = new List<CheckOutcome>();
        foreach (var name in outputs.Names.Order(StringComparer.Ordinal))
        {
            var line = $"forward {label}: {name}";
            if (name.StartsWith("decoder.", StringComparison.Ordinal) && name != "decoder.context" && !orderKnown)
                continue; // Depends on the reference's random modality shuffle, which this folder does not record.
            if (!produced.TryGetValue(name, out var actual))
            {
                outcomes.Add(CheckOutcome.Fail(line, "the port produces no tensor of this name"));
                continue;
            }
            var tolerance = name.StartsWith("mod_loss.", StringComparison.Ordinal) || name is "loss" or "loss_token" ? LossTolerance : ActivationTolerance;
            var problem = Compare(outputs, name, actual, tolerance);
            outcomes.Add(problem is null ? CheckOutcome.Pass(line) : CheckOutcome.Fail(line, problem));
        }
        return outcomes;
    }

    private static Dictionary<string, Tensor> Produced(TrainingForwardResult r)
    {
        var produced = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["encoder.tokens"] = r.Encoder.Tokens,
            ["encoder.emb"] = r.Encoder.Emb,
            ["encoder.mask"] = r.Encoder.Mask,
            ["encoder.mod_mask"] = r.Encoder.ModMask,
            ["encoder.output"] = r.EncoderOutput,
            ["decoder.context"] = r.Context,
            ["decoder.tokens"] = r.Decoder.Tokens,
            ["decoder.emb"] = r.Decoder.Emb,
            ["decoder.mask"] = r.Decoder.Mask,
            ["decoder.target_ids"] = r.Decoder.TargetIds,
            ["decoder.attention_mask"] = r.Decoder.AttentionMask,
            ["decoder.mod_mask"] = r.Decoder.ModMask,
            ["decoder.output"] = r.DecoderOutput,
            ["loss"] = r.Loss,
            ["loss_token"] = r.TokenLoss,
        };
        foreach (var (m, t) in r.Logits) produced[$"logits.{m}"] = t;
        foreach (var (m, t) in r.TargetIds) produced[$"target_ids.{m}"] = t;
        foreach (var (m, t) in r.ModalityLoss) produced[$"mod_loss.{m}"] = t;
        return produced;
    }

    private static string? Compare(SafetensorsFile outputs, string name, Tensor actual, double tolerance)
    {
        using var scope = NewDisposeScope();
        var expected = outputs.ReadTensor(name);
        if (!expected.shape.SequenceEqual(actual.shape))
            return $"shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]";
        if (expected.is_floating_point())
        {
            var difference = expected.numel() == 0 ? 0 : (actual.to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs().max().item<double>();
            return difference <= tolerance ? null : $"max |Δ| {difference:E3} > {tolerance:E0}";
        }
        var mismatches = actual.to_type(expected.dtype).ne(expected).sum().item<long>();
        return mismatches == 0 ? null : $"{mismatches} of {expected.numel()} values differ";
    }

    /// <summary>README.json → forward → decoder_modality_order, when the folder records it.</summary>
    private static IReadOnlyList<string>? DecoderOrder(string dir)
    {
        var readme = Path.Combine(dir, "README.json");
        if (!File.Exists(readme)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(readme));
            if (doc.RootElement.TryGetProperty("forward", out var forward) && forward.TryGetProperty("decoder_modality_order", out var order)
                && order.ValueKind == JsonValueKind.Array)
                return order.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList();
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
