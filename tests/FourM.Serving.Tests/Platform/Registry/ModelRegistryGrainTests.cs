using FourM.Grains.Interfaces.Registry;
using FourM.Grains.Registry;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit;

namespace FourM.Serving.Tests.Platform.Registry;

public sealed class ModelRegistryGrainTests : IAsyncLifetime
{
    private readonly ManualTime _time = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) => silo.Services.AddSingleton<TimeProvider>(_time));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IModelRegistryGrain Registry => _cluster.Client.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey);

    private static ModelDeployment Deployment(string version, string silo, string device = "cuda:0") => new()
    {
        Model = new ModelDescriptor { Id = "4M-7_B", Version = version, Modalities = ["caption", "tok_rgb@224"] },
        Silo = silo,
        Device = device,
    };

    [Fact]
    public async Task ResolvesABareIdToTheNewestVersionNumerically()
    {
        await Registry.Register(Deployment("9", "silo-a"));
        await Registry.Register(Deployment("10", "silo-b"));
        await Registry.Register(Deployment("v2", "silo-c"));

        Assert.Equal("4M-7_B@10", (await Registry.Resolve("4M-7_B"))!.Key);
        Assert.Equal("4M-7_B@9", (await Registry.Resolve("4M-7_B@9"))!.Key);
        Assert.Null(await Registry.Resolve("4M-7_B@11"));
        Assert.Null(await Registry.Resolve("other"));
    }

    [Fact]
    public async Task UnregisteringASiloRemovesOnlyItsDeployments()
    {
        await Registry.Register(Deployment("1", "silo-a", "cuda:0"));
        await Registry.Register(Deployment("1", "silo-a", "cuda:1"));
        await Registry.Register(Deployment("1", "silo-b"));

        await Registry.UnregisterSilo("silo-a");

        var left = Assert.Single(await Registry.List());
        Assert.Equal("silo-b", left.Silo);
    }

    [Fact]
    public async Task DeploymentsNotRefreshedExpire()
    {
        await Registry.Register(Deployment("1", "silo-a"));
        _time.Advance(ModelRegistryGrain.Lifetime / 2);
        await Registry.Register(Deployment("2", "silo-b"));
        _time.Advance(ModelRegistryGrain.Lifetime / 2 + TimeSpan.FromSeconds(1));

        var left = Assert.Single(await Registry.List());

        Assert.Equal("silo-b", left.Silo);
        Assert.Equal("4M-7_B@2", (await Registry.Resolve("4M-7_B"))!.Key);
    }

    [Theory]
    [InlineData("1.9", "1.10", -1)]
    [InlineData("v3", "2", 1)]
    [InlineData("1.0", "1", 0)]
    [InlineData("beta", "alpha", 1)]
    public void VersionsCompareNumericallyWhereTheyCan(string a, string b, int sign) =>
        Assert.Equal(sign, Math.Sign(ModelVersionComparer.Instance.Compare(a, b)));

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() { lock (this) return _now; }
        public void Advance(TimeSpan by) { lock (this) _now += by; }
    }
}
