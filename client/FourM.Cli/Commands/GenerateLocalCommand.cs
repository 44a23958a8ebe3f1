using System.Globalization;
using FourM.Generation;
using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Network;
using FourM.Generation.Requests;
using FourM.Generation.Schedules;
using FourM.Generation.Sequences;
using FourM.Model;
using FourM.Tokenizers.Text;
using static TorchSharp.torch;

namespace FourM.Cli.Commands;

/// <summary>
/// Runs one generation request with a checkpoint: text conditions in, image tokens and texts out, with a progress line per step.
/// Image targets default to ROAR (8 steps, temperature 1, CFG 2); sequence targets to autoregression (temperature 0.3).
/// </summary>
public sealed class GenerateLocalCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["generate", "local"];
    public string Usage => "generate local --model <model.safetensors|folder> --targets tok_clip@224,tok_rgb@224 [--caption \"a red car [EOS]\"] [--det \"...\"] " +
                           "[--steps 8] [--temperature 1.0] [--cfg 2.0] [--seed 0] [--top-p 0.8] [--top-k 0] [--max-tokens 40] [--device cpu|cuda] [--dtype fp32|bf16] " + NumericsOptions.Usage;
    public string Summary => "generate target modalities from text conditions with a 4M checkpoint (tokens; texts decoded)";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        var modelPath = cl.Get("model") ?? throw new UsageException("--model is required");
        var targets = (cl.Get("targets") ?? throw new UsageException("--targets is required")).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var device = cl.Get("device", "cpu") == "cuda" ? CUDA : CPU;
        var dtype = cl.Get("dtype", "fp32") switch { "bf16" => ScalarType.BFloat16, "fp32" => ScalarType.Float32, var d => throw new UsageException($"--dtype must be fp32 or bf16, not '{d}'") };
        double temperature = Double(cl, "temperature", 1.0), cfg = Double(cl, "cfg", 2.0);
        using var model = FourMModel.Load(modelPath, dtype, device);
        model.Kernel = NumericsOptions.Attention(cl) ?? model.Kernel;
        model.MlpLayout = NumericsOptions.Mlp(cl) ?? model.MlpLayout;
        var catalog = FourMModelNetwork.CatalogOf(model);
        foreach (var t in targets)
            if (!catalog.Contains(t) || !model.DecoderModalities.Contains(t))
                throw new UsageException($"the model cannot generate '{t}' (targets: {string.Join(", ", model.DecoderModalities)})");
        var inputs = new List<GenerationInput>();
        foreach (var textModality in new[] { "caption", "det", "metadata", "color_palette" })
            if (cl.Get(textModality.Replace('_', '-')) is { } text) inputs.Add(new GenerationInput { Modality = textModality, Text = text });
        if (inputs.Count == 0) Console.WriteLine("no condition given: generating unconditionally");
        var plans = targets.Select(t => catalog[t].Kind == ModalityKind.Sequence
            ? new TargetPlan { Domain = t, Scheme = DecodingScheme.Autoregressive, Tokens = cl.GetInt("max-tokens", 40) + 1, Temperature = Double(cl, "text-temperature", 0.3) }
            : new TargetPlan { Domain = t, Scheme = DecodingScheme.Roar, Tokens = catalog[t].MaxTokens, Steps = cl.GetInt("steps", 8), Temperature = temperature, CfgScale = cfg }).ToList();
        var request = new GenerationRequest
        {
            Inputs = inputs,
            // A text that is also a target (e.g. "a lake house [S_1]" with caption as target) is completed, not used for guidance.
            Chain = new GenerationChain { CondDomains = inputs.Select(i => i.Modality).Where(m => !targets.Contains(m)).ToList(), Targets = plans, CfgGrowConditioning = true },
            Seed = cl.GetInt("seed", 0),
            Sampling = new SamplingSettings(Double(cl, "top-k", 0), Double(cl, "top-p", 0.8)),
        };
        var generator = new FourMGenerator(new StepBatchRunner(new FourMModelNetwork(model), catalog), catalog,
            new RequestInitialiser(catalog, TextTokenizerEncoder.Default));
        SampleState? final = null;
        try
        {
            foreach (var step in generator.GenerateSteps(request, cancellationToken))
            {
                Console.WriteLine($"step {step.StepIndex + 1}/{step.TotalSteps} {step.TargetDomain}: +{step.TokensUnmasked} tokens ({step.TargetTokensUnmasked} so far)");
                final = step.State;
            }
        }
        catch (GenerationPlanException ex)
        {
            throw new UsageException($"cannot run this request: {ex.Message}");
        }
        foreach (var target in targets)
        {
            var tokens = final![target].Tokens;
            Console.WriteLine(catalog[target].Kind == ModalityKind.Sequence
                ? $"{target}: {TextTokenizer.Default.Decode(tokens.Select(t => (int)t).ToArray())}"
                : $"{target}: {string.Join(' ', tokens)}");
        }
        return Task.FromResult(0);
    }

    private static double Double(CommandLine cl, string name, double fallback) =>
        cl.Get(name) is { } s ? double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new UsageException($"--{name} expects a number, got '{s}'") : fallback;
}
