using FourM.Grains.Interfaces.Sessions;

namespace FourM.Serving.Tests.Cluster;

/// <summary>Requests shaped like the benchmark's two kinds (text→image chain, image→several targets), at fake sizes.</summary>
public static class Requests
{
    public static SessionRequest TextToImage(long seed, string client, ServingMode mode = ServingMode.Colocated, string? device = null) => new()
    {
        ModelId = ServingClusterFixture.Model,
        Inputs = [new ModalityInput { Modality = "caption", Tokens = Enumerable.Range(0, 12).Select(i => (long)(seed * 31 + i) % 900).ToArray() }],
        Targets =
        [
            new TargetSchedule { Modality = "tok_clip@224", Scheme = TargetScheme.Roar, DecodingSteps = 4, Temperature = 6.0, CfgScale = 3 },
            new TargetSchedule { Modality = "tok_rgb@224", Scheme = TargetScheme.Roar, DecodingSteps = 3, Temperature = 0.5, CfgScale = 3 },
        ],
        Seed = seed,
        TopP = 0.8,
        CfgGrowConditioning = true,
        ClientId = client,
        Mode = mode,
        Device = device,
    };

    public static SessionRequest ImageToMany(long seed, string client, ServingMode mode = ServingMode.Colocated, string? device = null) => new()
    {
        ModelId = ServingClusterFixture.Model,
        Inputs = [new ModalityInput { Modality = "tok_rgb@224", Tokens = Enumerable.Range(0, 16).Select(i => (long)(seed * 17 + i * 3) % 900).ToArray() }],
        Targets =
        [
            new TargetSchedule { Modality = "tok_depth@224", Scheme = TargetScheme.Roar, DecodingSteps = 1, Temperature = 0.01, CfgScale = 2 },
            new TargetSchedule { Modality = "tok_normal@224", Scheme = TargetScheme.Roar, DecodingSteps = 1, Temperature = 0.01, CfgScale = 2 },
            new TargetSchedule { Modality = "caption", Scheme = TargetScheme.Autoregressive, Temperature = 0.3 },
        ],
        Seed = seed,
        ClientId = client,
        Mode = mode,
        Device = device,
    };
}
