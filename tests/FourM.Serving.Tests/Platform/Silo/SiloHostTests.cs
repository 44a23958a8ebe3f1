using FourM.Engine.Engine;
using System.Net;
using FourM.Client;
using FourM.Client.Contracts;
using FourM.Grains.Interfaces.Admission;
using FourM.Grains.Interfaces.Registry;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Registry;
using FourM.Silo.Health;
using FourM.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FourM.Serving.Tests.Platform.Silo;

public sealed class ReadySiloFixture : IAsyncLifetime
{
    public SiloHostHarness Silo { get; private set; } = null!;
    public bool BecameReady { get; private set; }

    public async Task InitializeAsync()
    {
        Silo = await SiloHostHarness.StartAsync();
        BecameReady = await SiloApp.WaitUntilReadyAsync(Silo.App, TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

[Collection(SiloHostCollection.Name)]
public sealed class SiloHostTests(ReadySiloFixture fixture) : IClassFixture<ReadySiloFixture>
{
    private SiloHostHarness Silo => fixture.Silo;

    [Fact]
    public async Task StartsWarmsUpAndReportsHealthy()
    {
        Assert.True(fixture.BecameReady);
        foreach (var path in new[] { SiloApp.StartupPath, SiloApp.ReadyPath, SiloApp.LivePath })
        {
            using var response = await Silo.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // The warm-up loaded the default model on the default device, exactly once.
        Assert.True(((CountingModelLoader)Silo.Loader).Loads >= 1);
    }

    [Fact]
    public async Task RegistersItsDeploymentWithTheRegistry()
    {
        var registry = Silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey);

        var deployments = await registry.List();
        var resolved = await registry.Resolve("tiny");

        var deployment = Assert.Single(deployments);
        Assert.Equal(("tiny@1", Silo.Name, "cpu:0"), (deployment.Model.Key, deployment.Silo, deployment.Device));
        Assert.Equal(["caption", "tok_rgb@224"], deployment.Model.Modalities);
        Assert.Equal("attention=exact mlp=reference encoder=padded autoregressive=growing decoder-graphs=off encoder-graphs=off", deployment.Numerics);   // the CPU defaults
        Assert.Equal("1", resolved!.Version);
        Assert.Null(await registry.Resolve("tiny@2"));
    }

    [Fact]
    public async Task GeneratesThroughTheClientSdk()
    {
        var client = new FourMClient(Silo.App.Services.GetRequiredService<IGrainFactory>(), new FourMClientOptions { DefaultModel = "tiny@1" });
        var updates = new List<StepUpdate>();
        var request = new GenerationRequest
        {
            Inputs = [new GenerationInput { Modality = "caption", Tokens = [5, 6] }],
            Targets = [new GenerationTarget { Modality = "tok_rgb@224", Steps = 4 }],
            Seed = 1,
        };

        var result = await client.GenerateAsync(request, new Progress(updates.Add));

        Assert.True(result.Succeeded, result.Status.Error);
        Assert.Equal(Enumerable.Range(0, FixedGridPlanner.GridTokens).Select(i => 100L + i), result.Tokens("tok_rgb@224"));
        Assert.Equal(4, result.Status.TotalSteps);
        Assert.Contains(updates, u => u.Phase == SessionPhase.Completed && u.CompletedSteps == 4);
    }

    [Fact]
    public async Task ServesPrometheusMetricsOfTheServingMeter()
    {
        using var response = await Silo.Http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The warm-up ran at least one job through the engine.
        Assert.Contains("fourm_engine_jobs_completed", text);
        // The warm-up generation is a session: its first step and its end were timed.
        Assert.Contains("fourm_generation_time_to_first_preview_seconds_count", text);
        Assert.Contains("fourm_generation_e2e_latency_seconds_count", text);
    }

    private sealed class Progress(Action<StepUpdate> report) : IProgress<StepUpdate>
    {
        public void Report(StepUpdate value) { lock (this) report(value); }
    }
}

[Collection(SiloHostCollection.Name)]
public sealed class SiloHostLifecycleTests
{
    [Fact]
    public async Task FailedWarmupKeepsTheSiloNotStarted()
    {
        await using var silo = await SiloHostHarness.StartAsync(new FailingModelLoader());

        var ready = await SiloApp.WaitUntilReadyAsync(silo.App, TimeSpan.FromMinutes(2));

        Assert.False(ready);
        using var startup = await silo.Http.GetAsync(SiloApp.StartupPath);
        using var readiness = await silo.Http.GetAsync(SiloApp.ReadyPath);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, startup.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        Assert.Contains("no weights here", silo.App.Services.GetRequiredService<SiloHealthState>().StartupFailure);
    }

    [Fact]
    public async Task DrainingSiloIsNotReadyAndRefusesNewSessions()
    {
        await using var silo = await SiloHostHarness.StartAsync();
        Assert.True(await SiloApp.WaitUntilReadyAsync(silo.App, TimeSpan.FromMinutes(2)));

        silo.App.Services.GetRequiredService<SiloHealthState>().MarkDraining();

        using var readiness = await silo.Http.GetAsync(SiloApp.ReadyPath);
        using var liveness = await silo.Http.GetAsync(SiloApp.LivePath);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
        var client = new FourMClient(silo.App.Services.GetRequiredService<IGrainFactory>(), new FourMClientOptions { DefaultModel = "tiny" });
        var rejected = await Assert.ThrowsAsync<GenerationRejectedException>(() => client.CreateSessionAsync(new GenerationRequest
        {
            Targets = [new GenerationTarget { Modality = "tok_rgb@224" }],
        }));
        Assert.Equal(nameof(RejectionReason.Draining), rejected.Reason);
        Assert.True(rejected.RetryAfter > TimeSpan.Zero);
    }

    private sealed class FailingModelLoader : IModelLoader
    {
        public Generation.Batching.IEncoderDecoderRunner Load(ModelEntry model, string? directory, string device) =>
            throw new FileNotFoundException("no weights here");
        public IReadOnlyList<string> Modalities(ModelEntry model, string? directory) => ["caption"];
    }
}

/// <summary>The silo exactly as <c>dotnet run --project silo/FourM.Silo</c> starts it (only ports and name made unique).</summary>
[Collection(SiloHostCollection.Name)]
public sealed class DefaultSiloTests
{
    [Fact]
    public async Task DefaultSiloLoadsTheRandomTinyModelAndBecomesReady()
    {
        TorchSharp.torch.set_num_threads(1);
        await using var silo = await SiloHostHarness.StartAsync(useProductDefaults: true);

        var ready = await SiloApp.WaitUntilReadyAsync(silo.App, TimeSpan.FromMinutes(5));

        Assert.True(ready, silo.App.Services.GetRequiredService<SiloHealthState>().StartupFailure);
        Assert.IsType<FourMModelLoader>(silo.App.Services.GetRequiredService<IModelLoader>());
        var registry = silo.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey);
        var deployment = Assert.Single(await registry.List());
        Assert.Equal("tiny@1", deployment.Model.Key);
        Assert.Contains("tok_rgb@224", deployment.Model.Modalities);
        using var ready200 = await silo.Http.GetAsync(SiloApp.ReadyPath);
        Assert.Equal(HttpStatusCode.OK, ready200.StatusCode);
        // A CPU device runs the one-step warm-up generation only (the burst is for CUDA graphs).
        Assert.Equal(1, silo.App.Services.GetRequiredService<DeviceEngines>().Get("cpu:0").Snapshot().CompletedJobs);
    }

    [Fact]
    public async Task TheWarmupBurstRunsBeforeTheSiloReportsStarted()
    {
        TorchSharp.torch.set_num_threads(1);
        await using var silo = await SiloHostHarness.StartAsync(useProductDefaults: true,
            extraArgs: ["--FourM:Warmup:BurstSessions=4", "--FourM:Warmup:BurstImageSteps=2"]);

        var ready = await SiloApp.WaitUntilReadyAsync(silo.App, TimeSpan.FromMinutes(5));

        Assert.True(ready, silo.App.Services.GetRequiredService<SiloHealthState>().StartupFailure);
        // One job per step: the warm-up generation's 1, two text→image sessions of 2 + 2 steps, and two image→X sessions
        // of depth, normals and caption.
        Assert.Equal(1 + 2 * (2 + 2) + 2 * 3, silo.App.Services.GetRequiredService<DeviceEngines>().Get("cpu:0").Snapshot().CompletedJobs);
    }
}

/// <summary>The product planner behind the silo host: captions are tokenized; impossible requests come back as invalid requests.</summary>
[Collection(SiloHostCollection.Name)]
public sealed class ProductPlannerTests
{
    private static async Task<SiloHostHarness> StartAsync() =>
        // The product planner (with the 4M text tokenizer) and the counting loader: no weights needed.
        await SiloHostHarness.StartAsync(new CountingModelLoader(), useProductPlanner: true, extraArgs: ["--FourM:Warmup:Enabled=false"]);

    [Fact]
    public async Task UnplannableRequestIsAnInvalidRequestWithTheReason()
    {
        await using var silo = await StartAsync();
        var client = new FourMClient(silo.App.Services.GetRequiredService<IGrainFactory>(), new FourMClientOptions { DefaultModel = "tiny@1" });

        var invalid = await Assert.ThrowsAsync<InvalidGenerationRequestException>(() => client.CreateSessionAsync(new GenerationRequest
        {
            Inputs = [new GenerationInput { Modality = "caption", Text = "a red bus" }],
            Targets = [new GenerationTarget { Modality = "tok_unknown@224" }],
        }));

        Assert.Contains("unknown modality 'tok_unknown@224'", invalid.Errors["request"].Single());
    }

    [Fact]
    public async Task CaptionTextIsTokenizedByTheSilo()
    {
        await using var silo = await StartAsync();
        var client = new FourMClient(silo.App.Services.GetRequiredService<IGrainFactory>(), new FourMClientOptions { DefaultModel = "tiny@1" },
            new FourM.Client.Outputs.OutputRenderers([FourM.Client.Outputs.WordPieceTextDecoder.CreateDefault()], []));

        var result = await client.GenerateAsync(new GenerationRequest
        {
            Inputs = [new GenerationInput { Modality = "caption", Text = "A red bus" }],
            Targets = [new GenerationTarget { Modality = "tok_rgb@224", Steps = 2 }],
            Seed = 5,
        });

        Assert.True(result.Succeeded, result.Status.Error);
        // The caption input comes back as the tokenizer's ids, which decode to the (lower-cased) text.
        Assert.Contains("a red bus", result.Text("caption"));
        Assert.Equal(196, result.Tokens("tok_rgb@224").Count);
    }
}

/// <summary>Two silo hosts on one machine: distinct ports, the second joining through the first's silo endpoint.</summary>
[Collection(SiloHostCollection.Name)]
public sealed class MultiSiloTests
{
    [Fact]
    public async Task SecondSiloJoinsThroughThePrimaryAndServesItsOwnDevice()
    {
        var clusterId = $"test-{Guid.NewGuid():N}";
        await using var first = await SiloHostHarness.StartAsync(extraArgs: ["--cluster-id", clusterId]);
        Assert.True(await SiloApp.WaitUntilReadyAsync(first.App, TimeSpan.FromMinutes(2)));
        await using var second = await SiloHostHarness.StartAsync(extraArgs: ["--cluster-id", clusterId, "--primary", $"127.0.0.1:{first.SiloPort}"]);
        Assert.True(await SiloApp.WaitUntilReadyAsync(second.App, TimeSpan.FromMinutes(2)));

        var grains = first.App.Services.GetRequiredService<IGrainFactory>();
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var deployments = await grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey).List();
        // A session started from the first silo, pinned to the second silo's device.
        var client = new FourMClient(grains, new FourMClientOptions { DefaultModel = "tiny@1" });
        var status = await client.CreateSessionAsync(new GenerationRequest
        {
            Inputs = [new GenerationInput { Modality = "caption", Tokens = [1] }],
            Targets = [new GenerationTarget { Modality = "tok_rgb@224", Steps = 2 }],
            Device = $"{second.Name}/cpu:0",
        });
        await foreach (var update in client.WatchAsync(status.SessionId)) if (FourMClient.IsFinal(update.Phase)) break;
        var result = await client.GetResultAsync(status.SessionId);

        Assert.Equal(2, hosts.Count);
        Assert.Equal(new[] { first.Name, second.Name }.Order(StringComparer.Ordinal), deployments.Select(d => d.Silo).Order(StringComparer.Ordinal));
        Assert.True(result.Succeeded, result.Status.Error);
        Assert.Equal($"{second.Name}/cpu:0", result.Status.Device);
    }
}
