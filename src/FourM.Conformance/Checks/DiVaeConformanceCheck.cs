using FourM.ImageTokenizers;
using FourM.Model.Checkpoints;
using static TorchSharp.torch;

namespace FourM.Conformance.Checks;

/// <summary>
/// DiVAE goldens: tokens and quantized latent of <c>input</c>; the scheduler's betas, alpha products and timesteps; one
/// UNet evaluation at t=999 on the stored initial noise; the seeded initial noise; and full DDPM decodes of the stored
/// and the hand-picked tokens with the file's seeds and step count. Outcome names: <c>divae &lt;io-file&gt;: &lt;what&gt;</c>.
/// </summary>
public sealed class DiVaeConformanceCheck : IConformanceCheck
{
    public IEnumerable<string> ClaimedFiles(string goldenDir) =>
        ImageTokenizerGoldenPair.Find(goldenDir).Where(p => p.IsDiffusion)
            .SelectMany(p => new[] { Path.GetFileName(p.WeightsFile), p.IoName });

    public IEnumerable<CheckOutcome> Run(string goldenDir)
    {
        var outcomes = new List<CheckOutcome>();
        foreach (var pair in ImageTokenizerGoldenPair.Find(goldenDir).Where(p => p.IsDiffusion))
        {
            var prefix = $"divae {pair.IoName}";
            try
            {
                RunPair(goldenDir, pair, prefix, outcomes);
            }
            catch (Exception ex)
            {
                outcomes.Add(CheckOutcome.Fail(prefix, $"{ex.GetType().Name}: {ex.Message}"));
            }
        }
        return outcomes;
    }

    private static void RunPair(string goldenDir, ImageTokenizerGoldenPair pair, string prefix, List<CheckOutcome> outcomes)
    {
        using var scope = NewDisposeScope();
        using var tokenizer = ImageTokenizer.Load(pair.WeightsFile);
        using var io = SafetensorsFile.Open(pair.IoFile);
        void Compare(string what, Func<string?> compare) => ImageTokenizerComparison.Record(outcomes, prefix, what, compare);

        var input = io.ReadTensor("input");
        var storedTokens = io.ReadTensor("tokens");
        Compare("tokens", () => ImageTokenizerComparison.Exact(tokenizer.Tokenize(input), storedTokens));
        var quant = tokenizer.TokensToLatent(storedTokens);
        if (io.Contains("quant")) Compare("quant", () => ImageTokenizerComparison.Close(quant, io.ReadTensor("quant")));

        var scheduler = tokenizer.Scheduler!;
        if (io.Contains("betas") && scheduler.Schedule.Betas is { } betas)
            Compare("betas", () => ImageTokenizerComparison.Close(betas, io.ReadTensor("betas"), 1e-7));
        if (io.Contains("alphas_cumprod"))
            Compare("alphas_cumprod", () => ImageTokenizerComparison.Close(scheduler.Schedule.AlphasCumprod, io.ReadTensor("alphas_cumprod"), 1e-7));
        var steps = io.Contains("scheduler_timesteps") ? (int)io.Entry("scheduler_timesteps").ElementCount : 25;
        if (io.Contains("scheduler_timesteps"))
            Compare("scheduler_timesteps", () => ImageTokenizerComparison.Exact(tensor(scheduler.Timesteps(steps)), io.ReadTensor("scheduler_timesteps")));

        if (io.Contains("unet_out_t999_on_initial_noise") && io.Contains("initial_noise"))
            Compare("unet_out_t999_on_initial_noise", () =>
            {
                using var _ = inference_mode();
                var output = tokenizer.Unet!.forward(io.ReadTensor("initial_noise"), tensor(new long[] { 999 }), quant);
                return ImageTokenizerComparison.Close(output, io.ReadTensor("unet_out_t999_on_initial_noise"));
            });

        var seeds = pair.Seeds(goldenDir);
        if (seeds is null)
        {
            outcomes.Add(CheckOutcome.Fail($"{prefix}: decoded", "no generator seed found in README.json (files → io file → description)"));
            return;
        }
        var (decodedSeed, customSeed) = seeds.Value;
        if (io.Contains("initial_noise"))
            Compare("initial_noise", () =>
            {
                var expected = io.ReadTensor("initial_noise");
                using var generator = new Generator(unchecked((ulong)decodedSeed), CPU);
                return ImageTokenizerComparison.Close(randn(expected.shape, ScalarType.Float32, CPU, generator: generator), expected, 0);
            });
        if (io.Contains("decoded"))
        {
            var expected = io.ReadTensor("decoded");
            Compare("decoded", () => ImageTokenizerComparison.Close(
                tokenizer.Detokenize(storedTokens, steps, [decodedSeed], (int)expected.shape[2]), expected));
        }
        if (io.Contains("decoded_custom_tokens") && io.Contains("custom_tokens"))
        {
            var expected = io.ReadTensor("decoded_custom_tokens");
            Compare("decoded_custom_tokens", () => ImageTokenizerComparison.Close(
                tokenizer.Detokenize(io.ReadTensor("custom_tokens"), steps, [customSeed], (int)expected.shape[2]), expected));
        }
    }
}
