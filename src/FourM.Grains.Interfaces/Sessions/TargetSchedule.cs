namespace FourM.Grains.Interfaces.Sessions;

/// <summary>How one target modality of the chain is generated (one entry of the reference's schedule arguments).</summary>
[GenerateSerializer, Immutable, Alias("fourm.TargetSchedule")]
public sealed record TargetSchedule
{
    [Id(0)] public required string Modality { get; init; }
    [Id(1)] public TargetScheme Scheme { get; init; } = TargetScheme.Roar;
    /// <summary>Decoding steps (MaskGIT/ROAR). Ignored for autoregressive targets (one token per step).</summary>
    [Id(2)] public int DecodingSteps { get; init; } = 1;
    /// <summary>Token decoding schedule: <c>cosine</c> or <c>linear</c>.</summary>
    [Id(3)] public string TokenSchedule { get; init; } = "linear";
    [Id(4)] public double Temperature { get; init; } = 1.0;
    /// <summary>Temperature schedule: <c>constant</c>, <c>linear</c> or <c>onex:min:power</c>.</summary>
    [Id(5)] public string TemperatureSchedule { get; init; } = "constant";
    /// <summary>Classifier-free guidance scale; 1 = off.</summary>
    [Id(6)] public double CfgScale { get; init; } = 1.0;
    [Id(7)] public string CfgSchedule { get; init; } = "constant";
    /// <summary>Tokens to generate (autoregressive targets: an upper bound); null = the modality's full length.</summary>
    [Id(8)] public int? MaxTokens { get; init; }
}

public enum TargetScheme { MaskGit = 0, Roar = 1, Autoregressive = 2 }
