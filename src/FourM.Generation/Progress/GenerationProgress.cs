using FourM.Generation.Batching;

namespace FourM.Generation.Progress;

/// <summary>
/// Reported after every schedule step so callers can stream previews.
/// </summary>
/// <param name="StepIndex">Index of the finished step in the whole chain (0-based).</param>
/// <param name="TotalSteps">Steps in the chain.</param>
/// <param name="TargetDomain">The modality this step decoded.</param>
/// <param name="TargetStepIndex">Index of the step within its target (0-based).</param>
/// <param name="TokensUnmasked">Tokens this step unmasked (for autoregressive steps: tokens generated).</param>
/// <param name="TargetTokensUnmasked">Tokens of the target unmasked so far.</param>
/// <param name="State">The sample after the step (a snapshot the caller may keep).</param>
public sealed record GenerationProgress(
    int StepIndex,
    int TotalSteps,
    string TargetDomain,
    int TargetStepIndex,
    int TokensUnmasked,
    int TargetTokensUnmasked,
    SampleState State);
