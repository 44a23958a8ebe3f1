namespace FourM.Generation.Batching;

/// <summary>Exact speed-ups of the step runner; each can be turned off to run the reference's slower arithmetic path.</summary>
public sealed record StepRunnerOptions
{
    /// <summary>Run the conditional and unconditional passes of guided steps as rows of one batch (else one forward each).</summary>
    public bool BatchGuidancePasses { get; init; } = true;

    /// <summary>
    /// The fixed cost of one encoder or decoder pass (its kernel launches) in padded tokens, which decides how a batch's
    /// rows of different lengths split into padded passes (<see cref="LengthGroups"/>). Null: a per-device default
    /// (<see cref="DefaultPassCostTokens"/> of the device and model width).
    /// </summary>
    public double? PassCostTokens { get; init; }

    /// <summary>
    /// CUDA: a pass's launches cost about the same for every width (per layer), while a token's arithmetic grows with
    /// width², so the break-even padding is about 8,192 tokens for 4M-B (768 wide; measured on the H200: splitting a
    /// text-to-image batch of 32 at ~8.6k padded tokens was slower than padding), 4,608 for L and 1,152 for XL. When encoder
    /// passes replay CUDA graphs (<paramref name="replayedPasses"/>) the host no longer issues each kernel and a pass costs
    /// about its kernels' device floor: 1,024 tokens for B (on the H200, text-to-image B batch 32 took 0.0321 s/sample at
    /// 8,192, 0.0288 at 2,048 and 0.0274 at 1,024; L the same at 4,608 and 576). CPU: launches are cheap next to the arithmetic.
    /// </summary>
    public static double DefaultPassCostTokens(TorchSharp.torch.Device device, int width, bool replayedPasses = false) =>
        device.type == TorchSharp.DeviceType.CUDA ? (replayedPasses ? 1024.0 : 8192.0) * (768.0 * 768.0) / ((double)width * width) : 64;

    /// <summary>Use the network's KV-cached incremental decoder for autoregressive targets (else re-run the prefix every token).</summary>
    public bool UseKvCache { get; init; } = true;
    /// <summary>
    /// How the KV cache decodes: on CUDA by default a preallocated cache whose steps replay a captured CUDA graph (one launch
    /// instead of one per kernel; attention reads the masked unwritten slots too, so logits may differ from the growing cache
    /// in the last bits, docs/generation.md); on other devices the growing cache.
    /// </summary>
    public Network.AutoregressiveDecoding AutoregressiveDecoding { get; init; } = Network.AutoregressiveDecoding.CudaGraphs;
    /// <summary>Autoregressive decoding checks for end-of-sequence every this many tokens (one host sync each time).</summary>
    public int EndOfSequenceCheckInterval { get; init; } = 8;
    /// <summary>Diagnostics (conformance): receives each image step's decoded positions and guided logits (K, V) before filtering.</summary>
    public Action<StepJob, long[], TorchSharp.torch.Tensor>? ImageLogitsObserver { get; init; }
    /// <summary>Diagnostics (conformance): receives each autoregressive token's index and guided logits (1, V) before filtering.</summary>
    public Action<StepJob, int, TorchSharp.torch.Tensor>? TokenLogitsObserver { get; init; }
    /// <summary>Benchmarks: per-phase timings of every step (each phase boundary waits for the device).</summary>
    public StepProfile? Profile { get; init; }
}
