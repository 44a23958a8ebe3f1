namespace FourM.Grains.Interfaces.Registry;

/// <summary>
/// One version of a model as the cluster knows it. Sessions name it by <see cref="Key"/>
/// (<c>{id}@{version}</c>), which pins the version for the whole session.
/// </summary>
[GenerateSerializer, Immutable, Alias("fourm.ModelDescriptor")]
public sealed record ModelDescriptor
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Version { get; init; }
    [Id(2)] public string[] Modalities { get; init; } = [];
    [Id(3)] public string DType { get; init; } = "float32";
    /// <summary>Where the weights came from: a local path, <c>hf://owner/name@revision</c>, or <c>random:{preset}</c>.</summary>
    [Id(4)] public string Source { get; init; } = "";

    public string Key => ModelKey.Format(Id, Version);
}

/// <summary>A model version loaded on one device of one silo.</summary>
[GenerateSerializer, Immutable, Alias("fourm.ModelDeployment")]
public sealed record ModelDeployment
{
    [Id(0)] public required ModelDescriptor Model { get; init; }
    [Id(1)] public required string Silo { get; init; }
    [Id(2)] public required string Device { get; init; }
    [Id(3)] public DateTimeOffset RegisteredAt { get; init; }
    /// <summary>
    /// The numerics this device runs the model with, e.g. <c>attention=fused mlp=aligned encoder=padded</c>: devices of one
    /// model can differ (CPU and CUDA defaults), and a session that fails over between them continues with the other's rounding.
    /// </summary>
    [Id(4)] public string Numerics { get; init; } = "";
}
