namespace FourM.Client.Contracts;

/// <summary>Bounds a request must stay within; the gateway rejects anything larger with 400 before it reaches the cluster.</summary>
public sealed record GenerationRequestLimits
{
    public int MaxInputs { get; init; } = 16;
    public int MaxTargets { get; init; } = 16;
    public int MaxTokensPerInput { get; init; } = 16_384;
    public int MaxPixelsPerInput { get; init; } = 3 * 1024 * 1024;
    public int MaxImageBytes { get; init; } = 32 * 1024 * 1024;
    public int MaxTextLength { get; init; } = 8_192;
    public int MaxSteps { get; init; } = 1_000;
    public double MaxTimeoutSeconds { get; init; } = 3_600;
}
