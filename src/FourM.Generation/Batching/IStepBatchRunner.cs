namespace FourM.Generation.Batching;

/// <summary>
/// Executes one generation step for each job of a heterogeneous batch (different sessions, targets, steps, token
/// counts, schemes, guidance) in as few forward passes as possible. Synchronous: it runs on the device's one torch
/// thread and must never be called from the Orleans scheduler.
/// </summary>
public interface IStepBatchRunner
{
    IReadOnlyList<StepResult> RunBatch(IReadOnlyList<StepJob> jobs);
}

/// <summary>Opaque handle to an encoder context that stays on the device (owned by the device's context store).</summary>
public readonly record struct ContextHandle(long Id);

/// <summary>
/// The same work split into an encoder phase and a decoder phase, so that encoder and decoder can be served by
/// different grains (co-located: contexts stay on the device; disaggregated: contexts travel as bf16 bytes).
/// </summary>
public interface IEncoderDecoderRunner : IStepBatchRunner
{
    /// <summary>Embeds and encodes each job's inputs (and its unconditional / extra-condition variants); the contexts stay on the device.</summary>
    IReadOnlyList<ContextHandle> EncodeBatch(IReadOnlyList<StepJob> jobs);

    /// <summary>Decodes and samples each job's target positions against its context, then releases the context.</summary>
    IReadOnlyList<StepResult> DecodeBatch(IReadOnlyList<(StepJob Job, ContextHandle Context)> work);

    /// <summary>Serialises a context as bf16 bytes (for disaggregated serving) and releases it.</summary>
    byte[] ExportContext(ContextHandle handle);

    /// <summary>Places a context exported by <see cref="ExportContext"/> (possibly on another device) and returns its handle.</summary>
    ContextHandle ImportContext(byte[] payload);

    void ReleaseContext(ContextHandle handle);
}
