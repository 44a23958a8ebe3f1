using FourM.Grains.Interfaces.Devices;

namespace FourM.Grains.Devices;

/// <summary>Reads the device out of either device-grain key form (<c>{silo}/{device}</c> or <c>{silo}/{device}/{modelId}</c>).</summary>
public static class DeviceKeys
{
    public static DeviceAddress DeviceOf(string key) =>
        key.Split('/').Length == 2 ? DeviceAddress.Parse(key) : DeviceGrainKey.Parse(key).Device;
}
