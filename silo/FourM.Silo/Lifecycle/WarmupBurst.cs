using FourM.Grains.Interfaces.Sessions;

namespace FourM.Silo.Lifecycle;

/// <summary>
/// The warm-up burst: concurrent sessions shaped like the serving benchmark's two kinds (text→image through tok_clip, and
/// image tokens → depth, normals and a caption), so that a CUDA device captures the graphs of the batch shapes such traffic
/// meets (rows, tokens per row, guided or not) before the silo reports started. Without it the first users after a start
/// pay for those captures: on the H200 the first 64 users through the gateway took twice as long as the next 64.
/// </summary>
public static class WarmupBurst
{
    private const string Caption = "caption";
    private const string Clip = "tok_clip@224";
    private const string Rgb = "tok_rgb@224";
    private const string Depth = "tok_depth@224";
    private const string Normal = "tok_normal@224";

    /// <summary>
    /// <paramref name="sessions"/> requests alternating the two kinds (those the model's modalities allow; none when it has
    /// neither), each with its own seed and client id; text→image targets take <paramref name="imageSteps"/> steps each.
    /// </summary>
    public static IReadOnlyList<SessionRequest> Requests(string modelKey, IReadOnlyCollection<string> modalities, string device, int sessions, int imageSteps)
    {
        var kinds = new List<Func<int, SessionRequest>>();
        if (new[] { Caption, Clip, Rgb }.All(modalities.Contains)) kinds.Add(i => TextToImage(modelKey, device, i, imageSteps));
        if (new[] { Rgb, Depth, Normal }.All(modalities.Contains)) kinds.Add(i => ImageToMany(modelKey, device, i, modalities.Contains(Caption)));
        return kinds.Count == 0 ? [] : Enumerable.Range(0, sessions).Select(i => kinds[i % kinds.Count](i)).ToList();
    }

    private static SessionRequest TextToImage(string modelKey, string device, int index, int steps) => Request(modelKey, device, index,
        new ModalityInput { Modality = Caption, Tokens = Tokens(index, 12) },
        [
            new TargetSchedule { Modality = Clip, Scheme = TargetScheme.Roar, DecodingSteps = steps, Temperature = 6.0, CfgScale = 3 },
            new TargetSchedule { Modality = Rgb, Scheme = TargetScheme.Roar, DecodingSteps = steps, Temperature = 0.5, CfgScale = 3 },
        ]) with { TopP = 0.8, CfgGrowConditioning = true };

    private static SessionRequest ImageToMany(string modelKey, string device, int index, bool withCaption) => Request(modelKey, device, index,
        new ModalityInput { Modality = Rgb, Tokens = Tokens(index, 196) },
        [
            new TargetSchedule { Modality = Depth, Scheme = TargetScheme.Roar, DecodingSteps = 1, Temperature = 0.01, CfgScale = 2 },
            new TargetSchedule { Modality = Normal, Scheme = TargetScheme.Roar, DecodingSteps = 1, Temperature = 0.01, CfgScale = 2 },
            .. withCaption ? [new TargetSchedule { Modality = Caption, Scheme = TargetScheme.Autoregressive, Temperature = 0.3, MaxTokens = 40 }] : Array.Empty<TargetSchedule>(),
        ]);

    private static SessionRequest Request(string modelKey, string device, int index, ModalityInput input, TargetSchedule[] targets) => new()
    {
        ModelId = modelKey,
        Inputs = [input],
        Targets = targets,
        Seed = index,
        // One client per session: the burst must not meet the per-client cap.
        ClientId = $"fourm-warmup-{index}",
        Priority = ServingPriority.Interactive,
        Mode = ServingMode.Fused,
        Device = device,
    };

    // Ids 1–1000 lie inside every vocabulary the burst uses (the caption's and the 224-px image tokenizers').
    private static long[] Tokens(int seed, int count) => Enumerable.Range(0, count).Select(i => (long)((seed * 31 + i * 7) % 1000 + 1)).ToArray();
}
