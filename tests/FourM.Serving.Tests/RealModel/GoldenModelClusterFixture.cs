using FourM.Engine.Runners;
using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Grains.Hosting;
using FourM.Model;
using FourM.Serving.Tests.Fakes;
using FourM.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TorchSharp;
using FourM.Serving.Tests.Cluster;
using Xunit;

namespace FourM.Serving.Tests.RealModel;

/// <summary>
/// Two silos, each owning <c>cpu:0</c> with the real step runner over the tiny golden model (loaded on first use, on the
/// device thread), planned by the generation layer's own planner: the production path end to end.
/// </summary>
public sealed class GoldenModelClusterFixture : IAsyncLifetime
{
    public const string Model = "golden-tiny";
    public const string Device = "cpu:0";

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;
    public IReadOnlyList<string> SiloNames => Cluster.Silos.Select(s => s.Name).ToList();

    private readonly Dictionary<string, GatedRunner> _runners = new(StringComparer.Ordinal);

    /// <summary>The runner of a silo's device (created on its first job; null before).</summary>
    public GatedRunner? RunnerOn(string silo) { lock (_runners) return _runners.GetValueOrDefault(silo); }

    /// <summary>A runner over a freshly loaded copy of the golden model (the in-process reference uses its own).</summary>
    public static StepBatchRunner LoadRunner()
    {
        torch.set_num_threads(1);
        return new StepBatchRunner(new FourMModelNetwork(FourMModel.Load(Goldens.File("model.safetensors"), torch.ScalarType.Float32, torch.CPU)));
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((siloOptions, silo) => silo.AddFourMServing(o =>
        {
            o.Devices.Add(Device);
            // Long enough for concurrently started sessions to meet in one batch even on a loaded 2-core CI machine; a lone
            // session is not slowed, since the engine fires as soon as every registered session is waiting.
            o.Engine.MaxQueueDelay = TimeSpan.FromMilliseconds(400);
            o.RunnerFactory = _ => new DelegateRunnerFactory((model, _) =>
            {
                if (model != Model) throw new ArgumentException($"unknown model '{model}' (this cluster serves '{Model}')");
                var runner = new GatedRunner(LoadRunner());
                lock (_runners) _runners[siloOptions.SiloName] = runner;
                return runner;
            });
        }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await DeviceAnnouncements.WaitAsync(Cluster);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class GoldenModelClusterCollection : ICollectionFixture<GoldenModelClusterFixture>
{
    public const string Name = "golden model cluster";
}
