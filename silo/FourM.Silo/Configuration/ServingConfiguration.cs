using FourM.Grains.Hosting;

namespace FourM.Silo.Configuration;

/// <summary>Copies section <c>FourM:Serving</c> onto <see cref="FourMServingOptions"/> (its collections are get-only, so it is bound by hand).</summary>
public static class ServingConfiguration
{
    public const string SectionName = "FourM:Serving";
    /// <summary>Image tokenizers by modality: <c>FourM:Tokenizers:tok_rgb@224=/models/tokenizers/rgb_16k</c>.</summary>
    public const string TokenizersSectionName = "FourM:Tokenizers";

    public static void Apply(IConfiguration configuration, FourMServingOptions options)
    {
        var section = configuration.GetSection(SectionName);
        var devices = section.GetSection("Devices").Get<string[]>();
        options.Devices.Clear();
        options.Devices.AddRange(devices ?? ["cpu:0"]);
        section.GetSection("Engine").Bind(options.Engine);
        if (section["StorageName"] is { Length: > 0 } storage) options.StorageName = storage;
        if (section.GetValue<bool?>("UseInMemoryStorage") is { } memory) options.UseInMemoryStorage = memory;
        if (section.GetValue<int?>("InMemoryStorageGrains") is { } storageGrains)
            options.InMemoryStorageGrains = storageGrains >= 1 ? storageGrains : throw new ArgumentException($"{SectionName}:InMemoryStorageGrains must be at least 1 (got {storageGrains})");
        if (section.GetValue<int?>("MaxSessionsPerClient") is { } perClient) options.MaxSessionsPerClient = perClient;
        if (section.GetValue<TimeSpan?>("DefaultSessionTimeout") is { } timeout) options.DefaultSessionTimeout = timeout;
        if (section.GetValue<TimeSpan?>("StepTimeout") is { } stepTimeout) options.StepTimeout = stepTimeout;
        if (section.GetValue<int?>("MaxFailovers") is { } maxFailovers)
            options.MaxFailovers = maxFailovers >= 0 ? maxFailovers : throw new ArgumentException($"{SectionName}:MaxFailovers must be 0 or more (got {maxFailovers})");
        if (section.GetValue<int?>("DeviceGrainLanes") is { } lanes)
            options.DeviceGrainLanes = lanes >= 1 ? lanes : throw new ArgumentException($"{SectionName}:DeviceGrainLanes must be at least 1 (got {lanes})");
        if (section.GetValue<bool?>("ChainSteps") is { } chain) options.ChainSteps = chain;
        if (section.GetValue<int?>("DiffusionSteps") is { } steps)
            options.DiffusionSteps = steps >= 1 ? steps : throw new ArgumentException($"{SectionName}:DiffusionSteps must be at least 1 (got {steps})");
        if (section["TokenizerDType"] is { Length: > 0 } dtype) options.TokenizerDType = dtype;
        options.Tokenizers.Clear();
        foreach (var tokenizer in configuration.GetSection(TokenizersSectionName).GetChildren())
        {
            if (string.IsNullOrWhiteSpace(tokenizer.Value))
                throw new ArgumentException($"{TokenizersSectionName}:{tokenizer.Key} must be the path of a tokenizer checkpoint (file or folder)");
            options.Tokenizers[tokenizer.Key] = tokenizer.Value;
        }
    }
}
