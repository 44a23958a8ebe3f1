namespace FourM.Grains.Interfaces.Devices;

/// <summary>Silo metadata keys through which a serving silo announces what it can run.</summary>
public static class ServingMetadataKeys
{
    /// <summary>Comma-separated devices this silo owns, e.g. <c>cuda:0,cuda:1</c> or <c>cpu:0</c>.</summary>
    public const string Devices = "fourm.devices";
    /// <summary>Comma-separated model ids this silo can load (absent: any model its runner factory knows).</summary>
    public const string Models = "fourm.models";
}
