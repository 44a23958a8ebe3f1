namespace FourM.Grains.Interfaces.Devices;

/// <summary>
/// Key of an encoder/decoder grain: one model on one device of one silo, written <c>{silo}/{device}/{modelId}</c>
/// (the model id goes last because registry ids may contain '/'). Device placement reads the silo from it.
/// </summary>
public sealed record DeviceGrainKey(DeviceAddress Device, string ModelId)
{
    public override string ToString() => $"{Device}/{ModelId}";

    public static DeviceGrainKey Parse(string key)
    {
        var parts = key.Split('/', 3);
        if (parts.Length != 3 || parts.Any(string.IsNullOrEmpty))
            throw new FormatException($"device grain key '{key}' must be '{{silo}}/{{device}}/{{modelId}}'");
        return new DeviceGrainKey(new DeviceAddress(parts[0], parts[1]), parts[2]);
    }
}
