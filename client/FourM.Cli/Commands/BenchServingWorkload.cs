using FourM.Grains.Interfaces.Sessions;

namespace FourM.Cli.Commands;

/// <summary>
/// The serving benchmark's requests: half text→image (caption → tok_clip → tok_rgb), half image→X (rgb → depth, normal,
/// semseg → caption), each with its own seed.
/// </summary>
public static class BenchServingWorkload
{
    public const string ModelId = "bench";
    private const long EndOfSequence = 3;          // [EOS] of the 4M text tokenizer
    private const int FirstWordId = 204;           // after [PAD], [UNK], [SOS], [EOS] and the sentinels [S_0]..[S_199]

    /// <summary>The workloads <c>--workload</c> accepts: the mixed one the targets are about, and each half alone (diagnostics).</summary>
    public static readonly IReadOnlyList<string> Kinds = ["mixed", "t2i", "rgb2x"];

    /// <param name="kind">mixed (even sessions text→image, odd ones image→X), t2i or rgb2x.</param>
    public static IReadOnlyList<(string Kind, SessionRequest Request)> Build(int sessions, long baseSeed, string kind = "mixed") =>
        Enumerable.Range(0, sessions)
            .Select(i => (kind == "mixed" ? i % 2 == 0 : kind == "t2i") ? ("t2i", TextToImage(baseSeed + i)) : ("rgb2x", RgbToMany(baseSeed + i)))
            .ToList();

    /// <summary>caption → tok_clip (ROAR 49, temp 6 onex:0.5:0.5) → tok_rgb (ROAR 25, temp 0.5); CFG 3, top-p 0.8, cfg-grow.</summary>
    public static SessionRequest TextToImage(long seed)
    {
        var random = new Random((int)seed);
        var words = Enumerable.Range(0, 12).Select(_ => (long)random.Next(FirstWordId, 30000)).Append(EndOfSequence).ToArray();
        return new SessionRequest
        {
            ModelId = ModelId,
            Inputs = [new ModalityInput { Modality = "caption", Tokens = words }],
            Targets =
            [
                new TargetSchedule { Modality = "tok_clip@224", Scheme = TargetScheme.Roar, DecodingSteps = 49, Temperature = 6.0, TemperatureSchedule = "onex:0.5:0.5", CfgScale = 3.0 },
                new TargetSchedule { Modality = "tok_rgb@224", Scheme = TargetScheme.Roar, DecodingSteps = 25, Temperature = 0.5, CfgScale = 3.0 },
            ],
            Seed = seed,
            TopP = 0.8,
            CfgGrowConditioning = true,
            ClientId = $"bench-{seed}",
        };
    }

    /// <summary>rgb → depth, normal, semseg (ROAR 1 step, temp 0.01, CFG 2) → caption (autoregressive, ≤ 40 tokens, temp 0.3).</summary>
    public static SessionRequest RgbToMany(long seed)
    {
        var random = new Random((int)seed);
        var pixels = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        TargetSchedule Image(string modality) =>
            new() { Modality = modality, Scheme = TargetScheme.Roar, DecodingSteps = 1, Temperature = 0.01, CfgScale = 2.0 };
        return new SessionRequest
        {
            ModelId = ModelId,
            Inputs = [new ModalityInput { Modality = "rgb@224", Pixels = pixels, PixelShape = [3, 224, 224] }],
            Targets =
            [
                Image("tok_depth@224"), Image("tok_normal@224"), Image("tok_semseg@224"),
                new TargetSchedule { Modality = "caption", Scheme = TargetScheme.Autoregressive, Temperature = 0.3, CfgScale = 2.0, MaxTokens = 40 },
            ],
            Seed = seed,
            ClientId = $"bench-{seed}",
        };
    }
}
