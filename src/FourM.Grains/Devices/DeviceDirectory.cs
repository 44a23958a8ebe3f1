using FourM.Grains.Interfaces.Devices;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace FourM.Grains.Devices;

/// <summary>The devices of the cluster, read from the active silos' <c>fourm.devices</c> metadata.</summary>
public sealed class DeviceDirectory(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    public IReadOnlyList<DeviceAddress> Devices() =>
        ActiveMembers()
            .SelectMany(m => DevicesOf(m.SiloAddress).Select(d => new DeviceAddress(m.Name, d)))
            .OrderBy(d => d.ToString(), StringComparer.Ordinal)
            .ToList();

    /// <summary>The silo among <paramref name="candidates"/> that is named in <paramref name="device"/> and announces it; null if none.</summary>
    public SiloAddress? FindSilo(DeviceAddress device, IEnumerable<SiloAddress> candidates)
    {
        var snapshot = membership.CurrentSnapshot;
        foreach (var silo in candidates)
        {
            if (!snapshot.Members.TryGetValue(silo, out var member) || member.Name != device.Silo) continue;
            if (DevicesOf(silo).Contains(device.Device, StringComparer.Ordinal)) return silo;
        }
        return null;
    }

    private IEnumerable<ClusterMember> ActiveMembers() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active);

    private IReadOnlyList<string> DevicesOf(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo).Metadata.TryGetValue(ServingMetadataKeys.Devices, out var list)
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
}
