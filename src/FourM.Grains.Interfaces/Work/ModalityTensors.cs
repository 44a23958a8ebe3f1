namespace FourM.Grains.Interfaces.Work;

/// <summary>
/// Plain-data tensors of one modality of one sample as they travel between grains (token ids and masks; pixels only
/// for pixel inputs). Mask convention of the reference: false = used.
/// </summary>
[GenerateSerializer, Immutable, Alias("fourm.ModalityTensors")]
public sealed record ModalityTensors
{
    [Id(0)] public required string Modality { get; init; }
    [Id(1)] public required long[] Tokens { get; init; }
    [Id(2)] public required bool[] InputMask { get; init; }
    [Id(3)] public required bool[] TargetMask { get; init; }
    [Id(4)] public int[]? DecoderAttentionMask { get; init; }
    [Id(5)] public float[]? Pixels { get; init; }
    [Id(6)] public int[]? PixelShape { get; init; }
}

/// <summary>One sample's modalities in encoder order.</summary>
[GenerateSerializer, Immutable, Alias("fourm.SampleTensors")]
public sealed record SampleTensors
{
    [Id(0)] public required ModalityTensors[] Modalities { get; init; }
}
