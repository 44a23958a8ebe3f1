namespace FourM.Grains.Interfaces.Devices;

/// <summary>A device of one silo, written <c>{silo}/{device}</c>, e.g. <c>gpu-silo-0/cuda:0</c>.</summary>
[GenerateSerializer, Immutable, Alias("fourm.DeviceAddress")]
public sealed record DeviceAddress([property: Id(0)] string Silo, [property: Id(1)] string Device)
{
    public override string ToString() => $"{Silo}/{Device}";

    public static DeviceAddress Parse(string text)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1 || text.IndexOf('/', slash + 1) >= 0)
            throw new FormatException($"device address '{text}' must be '{{silo}}/{{device}}', e.g. 'silo-0/cuda:0'");
        return new DeviceAddress(text[..slash], text[(slash + 1)..]);
    }
}
