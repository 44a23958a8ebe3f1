namespace FourM.Grains.Interfaces.Work;

/// <summary>
/// A handle to an encoder context that stays on the device that computed it. A decoder on another device fetches
/// its bf16 bytes from the encoder grain named by <see cref="EncoderKey"/> (disaggregated mode).
/// </summary>
[GenerateSerializer, Immutable, Alias("fourm.EncodedContext")]
public sealed record EncodedContext
{
    [Id(0)] public required string JobId { get; init; }
    /// <summary>The encoder grain's key (<see cref="Devices.DeviceGrainKey"/> form).</summary>
    [Id(1)] public required string EncoderKey { get; init; }
    [Id(2)] public required long Handle { get; init; }
    [Id(3)] public required EngineTiming Timing { get; init; }
}
