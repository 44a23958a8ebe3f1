namespace FourM.Grains.Interfaces.Sessions;

/// <summary>
/// Everything a session needs to generate: the model, the inputs, the chained schedule (one entry per target, in
/// order; each target becomes an input of the next) and the seed. Mirrors the reference's
/// <c>build_chained_generation_schedules</c> arguments, as plain data.
/// </summary>
[GenerateSerializer, Immutable, Alias("fourm.SessionRequest")]
public sealed record SessionRequest
{
    /// <summary>Model id as the serving silos know it (e.g. <c>tiny</c> or a registry id).</summary>
    [Id(0)] public required string ModelId { get; init; }
    [Id(1)] public required ModalityInput[] Inputs { get; init; }
    [Id(2)] public required TargetSchedule[] Targets { get; init; }
    /// <summary>Base seed; step <c>i</c> of the plan is reseeded as the in-process generator does. Null: unseeded.</summary>
    [Id(3)] public long? Seed { get; init; }
    [Id(4)] public double TopK { get; init; }
    [Id(5)] public double TopP { get; init; }
    /// <summary>The reference's <c>cfg_grow_conditioning</c>: each finished target joins the guidance conditions of the next.</summary>
    [Id(6)] public bool CfgGrowConditioning { get; init; }
    /// <summary>Identifies the caller for per-client concurrency caps.</summary>
    [Id(7)] public string ClientId { get; init; } = "anonymous";
    [Id(8)] public ServingPriority Priority { get; init; } = ServingPriority.Standard;
    /// <summary>
    /// How steps reach the device. Fused by default: with encoder and decoder on one device, a step as one engine job spares
    /// a grain round trip and a batching barrier per step (measured on the H200, docs/benchmarks.md).
    /// </summary>
    [Id(9)] public ServingMode Mode { get; init; } = ServingMode.Fused;
    /// <summary>Whether step updates carry the target's token grid (a few KB per step).</summary>
    [Id(10)] public bool StreamTokenGrids { get; init; }
    /// <summary>Whole-session deadline measured from <c>Start</c>; null: the silo's default.</summary>
    [Id(11)] public TimeSpan? Timeout { get; init; }
    /// <summary>Pins the session to one device (<see cref="Devices.DeviceAddress.ToString"/> form); null: the silos choose.</summary>
    [Id(12)] public string? Device { get; init; }
    /// <summary>Disaggregated mode only: the device that runs the decoder (null: any other device than the encoder's).</summary>
    [Id(13)] public string? DecoderDevice { get; init; }
}

/// <summary>Priority class of a session's work in the device engine's queue (lower value first).</summary>
public enum ServingPriority { Interactive = 0, Standard = 1, Batch = 2 }

/// <summary>
/// How a session's steps reach the device. <see cref="Fused"/>: one call per step runs encoder and decoder.
/// <see cref="Colocated"/>: encoder grain then decoder grain on the same device, the context stays on the device.
/// <see cref="Disaggregated"/>: encoder and decoder on different devices, the context travels as bf16 bytes.
/// </summary>
public enum ServingMode { Fused = 0, Colocated = 1, Disaggregated = 2 }
