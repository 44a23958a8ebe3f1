namespace FourM.Generation.Batching;

/// <summary>Exact speed-ups of the step runner; each can be turned off to run the reference's slower arithmetic path.</summary>
public sealed record StepRunnerOptions
{
    /// <summary>Run the conditional and unconditional passes of guided steps as rows of one batch (else one forward each).</summary>
    public bool BatchGuidancePasses { get; init; } = true;

    /// <summary>
    /// Rows of one batch whose lengths (encoder inputs, decoder queries) differ by more than this factor run as separate
    /// padded passes (<see cref="LengthGroups"/>): padding costs arithmetic, each extra pass costs kernel launches.
    /// </summary>
    public double MaxPaddingRatio { get; init; } = 4.0;
    /// <summary>Use the network's KV-cached incremental decoder for autoregressive targets (else re-run the prefix every token).</summary>
    public bool UseKvCache { get; init; } = true;
    /// <summary>Autoregressive decoding checks for end-of-sequence every this many tokens (one host sync each time).</summary>
    public int EndOfSequenceCheckInterval { get; init; } = 8;
    /// <summary>Diagnostics (conformance): receives each image step's decoded positions and guided logits (K, V) before filtering.</summary>
    public Action<StepJob, long[], TorchSharp.torch.Tensor>? ImageLogitsObserver { get; init; }
    /// <summary>Diagnostics (conformance): receives each autoregressive token's index and guided logits (1, V) before filtering.</summary>
    public Action<StepJob, int, TorchSharp.torch.Tensor>? TokenLogitsObserver { get; init; }
    /// <summary>Benchmarks: per-phase timings of every step (each phase boundary waits for the device).</summary>
    public StepProfile? Profile { get; init; }
}
