using FourM.Engine.Runners;
using FourM.Grains.Hosting;
using FourM.Serving.Tests.RealModel;
using FourM.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using FourM.Serving.Tests.Cluster;
using Xunit;

namespace FourM.Serving.Tests.Imaging;

/// <summary>
/// One silo owning <c>cpu:0</c> with the golden model and a random segmentation tokenizer for <c>tok_semseg@224</c>
/// (14×14 grid, the model's vocabulary), both run by the same device engine.
/// </summary>
public sealed class ImagingClusterFixture : IAsyncLifetime
{
    public const string Modality = "tok_semseg@224";

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;
    /// <summary>The tokenizer checkpoint the silo serves (empty when the goldens are absent and every test skips).</summary>
    public string TokenizerPath { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (Goldens.Directory is null) return;
        TokenizerPath = SemsegTokenizerCheckpoint.Write(seed: 5);
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddFourMServing(o =>
        {
            o.Devices.Add(GoldenModelClusterFixture.Device);
            // Long enough for two sessions' decode requests sent together to meet in one batch on a loaded 2-core machine.
            o.Engine.MaxQueueDelay = TimeSpan.FromMilliseconds(400);
            o.Tokenizers[Modality] = TokenizerPath;
            o.RunnerFactory = _ => new DelegateRunnerFactory((model, _) => model == GoldenModelClusterFixture.Model
                ? GoldenModelClusterFixture.LoadRunner()
                : throw new ArgumentException($"unknown model '{model}'"));
        }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await DeviceAnnouncements.WaitAsync(Cluster);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        if (TokenizerPath.Length > 0) File.Delete(TokenizerPath);
    }
}

/// <summary>Runs alone (after the parallel collections) so its model and tokenizer work do not slow the timing-sensitive batching tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ImagingClusterCollection : ICollectionFixture<ImagingClusterFixture>
{
    public const string Name = "imaging cluster";
}
