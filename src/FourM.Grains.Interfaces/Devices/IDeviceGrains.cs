using FourM.Grains.Interfaces.Work;

namespace FourM.Grains.Interfaces.Devices;

/// <summary>
/// Admission and load of one device engine (key: <see cref="DeviceAddress"/>). Lives on the silo that owns the device.
/// </summary>
[Alias("fourm.IDeviceGrain")]
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Registers an active session with the engine (its batching barrier waits for registered sessions), or throws
    /// <see cref="Admission.ServingRejectedException"/> when the engine is full.
    /// </summary>
    Task Admit(string sessionId, string modelId);

    Task Release(string sessionId);

    Task<DeviceLoad> GetLoad();
}

/// <summary>
/// Embeds and encodes session chunks on one device for one model (key: <see cref="DeviceGrainKey"/>), batched by the
/// device engine with other sessions' chunks. The context stays on the device; the caller gets a handle.
/// </summary>
[Alias("fourm.IEncoderGrain")]
public interface IEncoderGrain : IGrainWithStringKey
{
    Task<EncodedContext> Encode(StepWork work, CancellationToken cancellationToken = default);

    /// <summary>The context as bf16 bytes for a decoder on another device; the local copy is released.</summary>
    Task<byte[]> ExportContext(long handle, CancellationToken cancellationToken = default);

    Task ReleaseContext(long handle);

    /// <summary>Frees the context of a job whose <see cref="Encode"/> reply the caller gave up on (now, or when the encode finishes).</summary>
    Task AbandonEncode(string jobId);

    Task<DeviceLoad> GetLoad();
}

/// <summary>
/// Decodes and samples target positions on one device for one model (key: <see cref="DeviceGrainKey"/>), batched by
/// the device engine with other sessions' work; also runs fused steps (encoder and decoder in one call).
/// </summary>
[Alias("fourm.IDecoderGrain")]
public interface IDecoderGrain : IGrainWithStringKey
{
    /// <summary>Decodes <paramref name="work"/> against a context (local, or fetched from another device's encoder grain).</summary>
    Task<StepOutcome> Decode(StepWork work, EncodedContext context, CancellationToken cancellationToken = default);

    /// <summary>A whole step (encode + decode) in one engine job.</summary>
    Task<StepOutcome> Step(StepWork work, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whole steps, one after another, as an engine-side chain: each step is queued on the device as soon as the one before it
    /// completes, and each outcome is yielded as it completes. Ending the enumeration early (or cancelling) drops the steps
    /// not yet run. Steps with multi-condition guidance do not chain.
    /// </summary>
    IAsyncEnumerable<StepOutcome> Steps(StepRun run, CancellationToken cancellationToken = default);

    Task<DeviceLoad> GetLoad();
}
