using FourM.Grains.Devices;
using FourM.Grains.Interfaces.Devices;
using Orleans.Runtime.Placement;

namespace FourM.Grains.Placement;

/// <summary>Resolves a device grain's key to the silo that owns the device (see <see cref="DevicePlacement"/>).</summary>
public sealed class DevicePlacementDirector(DeviceDirectory directory) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        var device = DeviceKeys.DeviceOf(key);
        var compatible = context.GetCompatibleSilos(target);
        var owner = directory.FindSilo(device, compatible);
        if (owner is null)
            throw new InvalidOperationException(
                $"no compatible silo owns device '{device}' (grain {target.GrainIdentity}); known devices: {string.Join(", ", directory.Devices())}");
        return Task.FromResult(owner);
    }
}
