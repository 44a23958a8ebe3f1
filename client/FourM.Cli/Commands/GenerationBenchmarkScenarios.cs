using FourM.Generation.Batching;
using FourM.Generation.Requests;
using FourM.Generation.Schedules;

namespace FourM.Cli.Commands;

/// <summary>The two generation workloads the benchmark times, with the reference's per-sample figures for comparison.</summary>
public static class GenerationBenchmarkScenarios
{
    public static readonly IReadOnlyList<string> Names = ["t2i", "rgb2x"];

    /// <summary>Reference seconds per sample (bf16, H200), keyed by scenario, size and batch.</summary>
    public static readonly IReadOnlyDictionary<(string Scenario, string Size, int Batch), double> Reference = new Dictionary<(string, string, int), double>
    {
        [("t2i", "B", 1)] = 2.61, [("t2i", "L", 1)] = 4.79, [("t2i", "XL", 1)] = 7.13,
        [("t2i", "B", 32)] = 0.090, [("t2i", "L", 32)] = 0.200, [("t2i", "XL", 32)] = 0.537,
        [("rgb2x", "B", 1)] = 0.546, [("rgb2x", "L", 1)] = 1.149, [("rgb2x", "XL", 1)] = 1.059,
    };

    /// <summary>
    /// caption → tok_clip (ROAR 49 steps, temperature 6 with onex:0.5:0.5) → tok_rgb (ROAR 25 steps, temperature 0.5), CFG 3,
    /// top-p 0.8, guidance conditions grow. <paramref name="stepScale"/> &lt; 1 shortens the chain (warm-up).
    /// </summary>
    public static GenerationRequest TextToImage(long seed, IReadOnlyList<long> captionTokens, double stepScale = 1.0) => new()
    {
        RequestId = $"t2i-{seed}",
        Inputs = [new GenerationInput { Modality = "caption", Tokens = captionTokens.ToArray() }],
        Chain = new GenerationChain
        {
            CondDomains = ["caption"],
            Targets =
            [
                new TargetPlan { Domain = "tok_clip@224", Scheme = DecodingScheme.Roar, Tokens = 196, Steps = Scale(49, stepScale), Temperature = 6.0, TemperatureSchedule = "onex:0.5:0.5", CfgScale = 3.0 },
                new TargetPlan { Domain = "tok_rgb@224", Scheme = DecodingScheme.Roar, Tokens = 196, Steps = Scale(25, stepScale), Temperature = 0.5, CfgScale = 3.0 },
            ],
            CfgGrowConditioning = true,
        },
        Seed = seed,
        Sampling = new SamplingSettings(0, 0.8),
    };

    /// <summary>rgb → depth, normal, semseg (ROAR 1 step, temperature 0.01, CFG 2) → caption (autoregressive, ≤ 40 tokens, temperature 0.3).</summary>
    public static GenerationRequest RgbToAll(long seed, float[] pixels, int maxCaptionTokens = 40) => new()
    {
        RequestId = $"rgb2x-{seed}",
        Inputs = [new GenerationInput { Modality = "rgb@224", Pixels = pixels, PixelShape = [3, 224, 224] }],
        Chain = new GenerationChain
        {
            CondDomains = ["rgb@224"],
            Targets =
            [
                .. new[] { "tok_depth@224", "tok_normal@224", "tok_semseg@224" }.Select(d =>
                    new TargetPlan { Domain = d, Scheme = DecodingScheme.Roar, Tokens = 196, Steps = 1, Temperature = 0.01, CfgScale = 2.0 }),
                new TargetPlan { Domain = "caption", Scheme = DecodingScheme.Autoregressive, Tokens = maxCaptionTokens + 1, Temperature = 0.3 },
            ],
        },
        Seed = seed,
        Sampling = new SamplingSettings(0, 0.8),
    };

    private static int Scale(int steps, double scale) => Math.Max(1, (int)Math.Round(steps * scale));
}
