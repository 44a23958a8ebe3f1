using System.Net;
using System.Net.Sockets;
using FourM.Generation.Requests;
using FourM.Generation.Sequences;
using FourM.Grains.Hosting;
using FourM.Grains.Sessions;
using FourM.Grains.Registry;
using FourM.Grains.Registry.Hub;
using FourM.Silo.Configuration;
using FourM.Silo.Health;
using FourM.Silo.Lifecycle;
using FourM.Silo.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FourM.Silo.Hosting;

/// <summary>
/// Builds a serving silo: Orleans (localhost clustering unless a provider is configured), the serving grains, the
/// model catalog and registry, health probes (<c>/health/startup</c>, <c>/health/ready</c>, <c>/health/live</c>),
/// metrics (<c>/metrics</c>), warm-up and drain. Configuration: appsettings.json, then <c>FOURM_</c>-free environment
/// variables (<c>FourM__Silo__SiloPort</c>), then the command line (see <see cref="SiloCommandLine"/>).
/// </summary>
public static class SiloApp
{
    public const string StartupPath = "/health/startup";
    public const string ReadyPath = "/health/ready";
    public const string LivePath = "/health/live";

    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = SiloCommandLine.Translate(args),
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        var silo = builder.Configuration.GetSection(SiloHostOptions.SectionName).Get<SiloHostOptions>() ?? new SiloHostOptions();
        var siloName = silo.ResolvedName();
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddOptions<SiloHostOptions>().BindConfiguration(SiloHostOptions.SectionName);
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionName);
        builder.Services.AddOptions<WarmupOptions>().BindConfiguration(WarmupOptions.SectionName);
        builder.Services.AddOptions<ModelHubOptions>().BindConfiguration(ModelHubOptions.SectionName);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);

        var models = builder.Configuration.GetSection("FourM:Models").Get<List<ModelEntry>>() ?? [];
        if (models.Count == 0) models.Add(new ModelEntry());
        builder.Services.AddSingleton(sp => HubFileDownloader.Create(sp.GetRequiredService<IOptions<ModelHubOptions>>().Value, sp.GetService<ILogger<HubFileDownloader>>()));
        builder.Services.AddSingleton<HubModelFetcher>();
        builder.Services.AddSingleton(sp => new ModelCatalog(models, sp.GetRequiredService<HubModelFetcher>()));
        // 4M checkpoints and random presets through the generation layer's step runner (hosts and tests may register their own first).
        builder.Services.TryAddSingleton<IModelLoader, FourMModelLoader>();

        builder.UseOrleans(orleans =>
        {
            ConfigureClustering(orleans, builder.Configuration, silo, siloName);
            orleans.AddFourMServing(serving =>
            {
                ServingConfiguration.Apply(builder.Configuration, serving);
                serving.SiloMetadata["fourm.models"] = string.Join(',', models.Select(m => m.Key));
                serving.RunnerFactory = sp => new CatalogRunnerFactory(sp.GetRequiredService<ModelCatalog>(), ModelLoader(sp));
                // The generation layer's planner with the 4M text tokenizer, so text inputs (captions) can be planned.
                serving.Planner = sp => sp.GetService<ISessionPlanner>()
                    ?? new GenerationSessionPlanner(initialiser: new RequestInitialiser(textEncoder: TextTokenizerEncoder.Default));
            });
            orleans.AddIncomingGrainCallFilter<DrainingCallFilter>();
            orleans.AddIncomingGrainCallFilter<PlanErrorCallFilter>();
            orleans.Configure<SiloMessagingOptions>(o =>
            {
                o.CancelRequestOnTimeout = true;
                // One device call can be a whole autoregressive caption on a slow device; the serving layer's own
                // StepTimeout is the real bound, so Orleans must not give up earlier.
                o.ResponseTimeout = silo.ResponseTimeout;
            });
        });

        builder.Services.AddSingleton<SiloHealthState>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks()
            .AddCheck<StartupHealthCheck>("startup", tags: ["startup"])
            .AddCheck<ReadinessHealthCheck>("ready", tags: ["ready"])
            .AddCheck<EngineLivenessHealthCheck>("engine", tags: ["live"]);
        builder.Services.AddSingleton<IHealthCheckPublisher, HealthTransitionLogger>();
        builder.Services.Configure<HealthCheckPublisherOptions>(o => { o.Delay = TimeSpan.FromSeconds(1); o.Period = TimeSpan.FromSeconds(5); });
        builder.Services.AddHostedService<DrainService>();
        builder.Services.AddHostedService(sp => new WarmupService(
            sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<ILocalSiloDetails>(),
            sp.GetRequiredService<ModelCatalog>(), ModelLoader(sp), sp.GetRequiredService<FourMServingOptions>(),
            sp.GetRequiredService<IOptions<WarmupOptions>>(), sp.GetRequiredService<SiloHealthState>(), sp.GetRequiredService<ILogger<WarmupService>>()));
        builder.AddSiloTelemetry(telemetry, siloName);
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        var telemetry = app.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        app.MapHealthChecks(StartupPath, Probe("startup"));
        app.MapHealthChecks(ReadyPath, Probe("ready"));
        app.MapHealthChecks(LivePath, Probe("live"));
        app.MapGet("/", (ILocalSiloDetails silo, SiloHealthState health) => Results.Ok(new
        {
            silo = silo.Name, started = health.Started, draining = health.Draining, startupFailure = health.StartupFailure,
        }));
        app.MapSiloTelemetry(telemetry);
        return app;
    }

    /// <summary>Runs the silo; with <see cref="SiloHostOptions.ExitAfterReady"/>, exits once started and ready (0) or on failure (1).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(SiloCommandLine.Usage);
            return 0;
        }
        WebApplication app;
        try
        {
            app = Build(CreateBuilder(args));
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
        var silo = app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;
        if (!silo.ExitAfterReady)
        {
            await app.RunAsync();
            return 0;
        }
        await app.StartAsync();
        var ok = await WaitUntilReadyAsync(app, silo.ReadyTimeout);
        await app.StopAsync();
        await app.DisposeAsync();
        return ok ? 0 : 1;
    }

    /// <summary>Waits for the warm-up, then checks the readiness probe; prints the outcome.</summary>
    public static async Task<bool> WaitUntilReadyAsync(WebApplication app, TimeSpan timeout)
    {
        var health = app.Services.GetRequiredService<SiloHealthState>();
        var completed = await Task.WhenAny(health.StartupCompleted, Task.Delay(timeout));
        if (completed != health.StartupCompleted || !health.StartupCompleted.Result)
        {
            Console.Error.WriteLine($"NOT READY: {health.StartupFailure ?? $"not started within {timeout.TotalSeconds:0} s"}");
            return false;
        }
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready") || c.Tags.Contains("live"));
        var summary = string.Join("; ", report.Entries.Select(e => $"{e.Key}={e.Value.Status} ({e.Value.Description})"));
        Console.WriteLine(report.Status == HealthStatus.Healthy ? $"READY {summary}" : $"NOT READY {summary}");
        return report.Status == HealthStatus.Healthy;
    }

    private static HealthCheckOptions Probe(string tag) => new() { Predicate = c => c.Tags.Contains(tag) };

    private static IModelLoader ModelLoader(IServiceProvider services) => services.GetRequiredService<IModelLoader>();

    private static void ConfigureClustering(ISiloBuilder orleans, IConfiguration configuration, SiloHostOptions silo, string siloName)
    {
        orleans.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = siloName);
        orleans.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = configuration["Orleans:ClusterId"] ?? silo.ClusterId;
            o.ServiceId = configuration["Orleans:ServiceId"] ?? silo.ServiceId;
        });
        if (string.IsNullOrEmpty(configuration["Orleans:Clustering:ProviderType"]))
        {
            // Embedded default: localhost clustering; more silos join through the primary's silo port.
            var primary = silo.PrimarySiloEndpoint is { Length: > 0 } p ? ParseEndpoint(p) : null;
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, primary, silo.ServiceId, silo.ClusterId);
            return;
        }
        // A clustering provider is configured (Orleans:Clustering:*): advertise a reachable address, listen on all.
        if (configuration.GetSection("Orleans:Endpoints").Exists()) return;
        var advertised = silo.AdvertisedIP is { Length: > 0 } ip ? IPAddress.Parse(ip) : FirstNonLoopbackIPv4();
        orleans.ConfigureEndpoints(advertised, silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: true);
    }

    private static IPEndPoint ParseEndpoint(string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new FormatException($"{SiloHostOptions.SectionName}:PrimarySiloEndpoint '{text}' must be ip:port, e.g. 127.0.0.1:11111");

    private static IPAddress FirstNonLoopbackIPv4() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? IPAddress.Loopback;
}
