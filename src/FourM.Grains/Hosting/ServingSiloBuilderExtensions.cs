using FourM.Engine.Engine;
using FourM.Engine.Metrics;
using FourM.Engine.Runners;
using FourM.Grains.Devices;
using FourM.Grains.Imaging;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Placement;
using FourM.Grains.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;

namespace FourM.Grains.Hosting;

public static class ServingSiloBuilderExtensions
{
    /// <summary>
    /// Configures a silo to serve 4M: publishes its devices in silo metadata, registers the per-device engines, the
    /// device placement, the session planner and runner factory, the metrics and the session storage. Every silo
    /// of a serving cluster calls it (front silos with no devices too), so all silos configure serving the same way.
    /// </summary>
    public static ISiloBuilder AddFourMServing(this ISiloBuilder builder, Action<FourMServingOptions>? configure = null)
    {
        var options = new FourMServingOptions();
        configure?.Invoke(options);
        foreach (var device in options.Devices)
            if (string.IsNullOrWhiteSpace(device) || device.Contains('/') || device.Contains(','))
                throw new ArgumentException($"device name '{device}' must be non-empty without '/' or ','", nameof(configure));

        var metadata = new Dictionary<string, string>(options.SiloMetadata)
        {
            [ServingMetadataKeys.Devices] = string.Join(',', options.Devices),
        };
        builder.UseSiloMetadata(metadata);
        if (options.UseInMemoryStorage)
        {
            builder.AddMemoryGrainStorage(options.StorageName);
            // Orleans' default storage serializer is JSON, which formatted every float of a session's pixel inputs on every
            // step (a third of the CPU tiny benchmark's managed time); the Orleans binary serializer keeps them as bytes.
            builder.Services.AddOptions<MemoryGrainStorageOptions>(options.StorageName)
                .Configure<Serializer>((storage, serializer) =>
                {
                    storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                    storage.NumStorageGrains = options.InMemoryStorageGrains;
                });
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton(options);
            services.TryAddSingleton<ServingMetrics>();
            services.AddSingleton<DeviceDirectory>();
            services.AddPlacementDirector<DevicePlacement, DevicePlacementDirector>();
            services.AddSingleton<ImageTokenizerCatalog>();
            services.AddSingleton(sp => new DeviceEngines(
                options.Devices,
                options.RunnerFactory?.Invoke(sp) ?? sp.GetService<IRunnerFactory>()
                    ?? throw new InvalidOperationException("AddFourMServing: no runner factory (set FourMServingOptions.RunnerFactory or register IRunnerFactory)"),
                options.Engine,
                sp.GetRequiredService<ServingMetrics>(),
                sp.GetRequiredService<ImageTokenizerCatalog>()));
            services.AddSingleton(sp => new SessionPlannerAccessor(options.Planner?.Invoke(sp) ?? sp.GetService<ISessionPlanner>()
                ?? new GenerationSessionPlanner()));
        });
        return builder;
    }
}
