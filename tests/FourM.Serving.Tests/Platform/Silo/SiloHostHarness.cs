using FourM.Grains.Registry;
using FourM.Grains.Sessions;
using FourM.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FourM.Serving.Tests.Platform.Silo;

/// <summary>A real silo host (localhost clustering on free ports, HTTP on 127.0.0.1) with a test loader and planner.</summary>
public sealed class SiloHostHarness : IAsyncDisposable
{
    private SiloHostHarness(WebApplication app, IModelLoader loader, string name, int siloPort)
    {
        App = app;
        Loader = loader;
        Name = name;
        SiloPort = siloPort;
    }

    public int SiloPort { get; }

    public WebApplication App { get; }
    public IModelLoader Loader { get; }
    public string Name { get; }
    public HttpClient Http { get; private set; } = null!;

    /// <param name="useProductDefaults">Keep the product's model loader and planner (the random tiny model) instead of the test doubles.</param>
    /// <param name="useProductPlanner">Keep the product's session planner while using the given loader.</param>
    public static async Task<SiloHostHarness> StartAsync(IModelLoader? loader = null, bool useProductDefaults = false, bool useProductPlanner = false, params string[] extraArgs)
    {
        loader ??= useProductDefaults ? null : new CountingModelLoader();
        var ports = FreePorts.Take(2);
        var name = $"test-silo-{ports[0]}";
        // Each silo is its own cluster unless the caller joins it to another (--primary with that cluster's id).
        string[] cluster = extraArgs.Contains("--cluster-id") ? [] : ["--cluster-id", $"test-{Guid.NewGuid():N}"];
        string[] args =
        [
            "--name", name, "--silo-port", ports[0].ToString(), "--gateway-port", ports[1].ToString(),
            "--http", "http://127.0.0.1:0",
            "--FourM:Silo:DrainTimeout=00:00:05", .. cluster, .. extraArgs,
        ];
        var builder = SiloApp.CreateBuilder(args, b =>
        {
            b.Logging.ClearProviders();
            if (useProductDefaults) return;
            b.Services.AddSingleton(loader!);
            if (!useProductPlanner) b.Services.AddSingleton<ISessionPlanner, FixedGridPlanner>();
        });
        var app = SiloApp.Build(builder);
        await app.StartAsync();
        var harness = new SiloHostHarness(app, app.Services.GetRequiredService<IModelLoader>(), name, ports[0]);
        harness.Http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) };
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await App.StopAsync(stop.Token);
        await App.DisposeAsync();
    }
}
