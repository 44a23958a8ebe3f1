using FourM.Grains.Hosting;

namespace FourM.Silo.Configuration;

/// <summary>Copies section <c>FourM:Serving</c> onto <see cref="FourMServingOptions"/> (its collections are get-only, so it is bound by hand).</summary>
public static class ServingConfiguration
{
    public const string SectionName = "FourM:Serving";

    public static void Apply(IConfiguration configuration, FourMServingOptions options)
    {
        var section = configuration.GetSection(SectionName);
        var devices = section.GetSection("Devices").Get<string[]>();
        options.Devices.Clear();
        options.Devices.AddRange(devices ?? ["cpu:0"]);
        section.GetSection("Engine").Bind(options.Engine);
        if (section["StorageName"] is { Length: > 0 } storage) options.StorageName = storage;
        if (section.GetValue<bool?>("UseInMemoryStorage") is { } memory) options.UseInMemoryStorage = memory;
        if (section.GetValue<int?>("MaxSessionsPerClient") is { } perClient) options.MaxSessionsPerClient = perClient;
        if (section.GetValue<TimeSpan?>("DefaultSessionTimeout") is { } timeout) options.DefaultSessionTimeout = timeout;
        if (section.GetValue<TimeSpan?>("StepTimeout") is { } stepTimeout) options.StepTimeout = stepTimeout;
    }
}
