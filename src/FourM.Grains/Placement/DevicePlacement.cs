using Orleans.Placement;

namespace FourM.Grains.Placement;

/// <summary>
/// Places a device grain on the silo named in its key (<c>{silo}/{device}[/{modelId}]</c>), after checking that the
/// silo announces the device in its <c>fourm.devices</c> metadata. Device grains never run anywhere else.
/// </summary>
[GenerateSerializer, Immutable, Alias("fourm.DevicePlacement")]
public sealed class DevicePlacement : PlacementStrategy
{
    public static readonly DevicePlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class DevicePlacementAttribute() : PlacementAttribute(DevicePlacement.Instance);
