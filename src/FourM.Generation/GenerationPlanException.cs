namespace FourM.Generation;

/// <summary>A generation request or plan that cannot run (unknown modality, impossible schedule, wrong scheme for a modality, …).</summary>
public sealed class GenerationPlanException(string message) : Exception(message);
