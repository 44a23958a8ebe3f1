using FourM.Client;
using FourM.Client.Outputs;
using FourM.Gateway;
using FourM.Grains.Interfaces.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.TestingHost;
using Xunit;

namespace FourM.Serving.Tests.Platform.Gateway;

/// <summary>
/// One in-process silo hosting <see cref="ScriptedSessionGrain"/> (the only session implementation it keeps) and the
/// real gateway listening on 127.0.0.1 at a port the OS picks, wired to the cluster's client.
/// </summary>
public sealed class GatewayHarness : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;
    private WebApplication _app = null!;

    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(2);

    public HttpClient Http { get; private set; } = null!;
    public FourMClient Client { get; private set; } = null!;
    /// <summary>The cluster client, for SDK clients with other options than <see cref="Client"/>.</summary>
    public IGrainFactory GrainFactory => _cluster.Client;

    public async Task InitializeAsync()
    {
        var clusterBuilder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        clusterBuilder.ConfigureSilo((_, silo) => silo.Services.Configure<GrainTypeOptions>(options =>
        {
            // The product's session grain (if built in) would make IGenerationSessionGrain ambiguous here.
            foreach (var type in options.Classes.Where(t => typeof(IGenerationSessionGrain).IsAssignableFrom(t) && t != typeof(ScriptedSessionGrain)).ToList())
                options.Classes.Remove(type);
        }));
        // Short call timeout: long steps must not break watches (the SDK resumes them).
        clusterBuilder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout));
        _cluster = clusterBuilder.Build();
        await _cluster.DeployAsync();

        var builder = GatewayApp.CreateBuilder(["--urls=http://127.0.0.1:0", "--FourM:Gateway:MaxRequestBodyBytes=65536"], connectToCluster: false);
        builder.Logging.ClearProviders();
        Client = new FourMClient(_cluster.Client, new FourMClientOptions { DefaultModel = "tiny" },
            new OutputRenderers([new TestCaptionDecoder()], [new TestPngRenderer()]));
        builder.Services.AddSingleton<IGrainFactory>(_cluster.Client);
        builder.Services.AddSingleton(Client);
        _app = GatewayApp.Build(builder);
        await _app.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()), Timeout = TimeSpan.FromSeconds(60) };
        Assert.Equal("127.0.0.1", Http.BaseAddress.Host);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    /// <summary>Renders a fake "PNG": the PNG signature followed by the token ids as bytes.</summary>
    public sealed class TestPngRenderer : IImageOutputRenderer
    {
        public static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        public bool Handles(string modality) => modality == "tok_rgb@224";
        public Task<byte[]> RenderPngAsync(ModalityOutput output, CancellationToken cancellationToken = default) =>
            Task.FromResult(Signature.Concat(output.Tokens.Select(t => (byte)t)).ToArray());
    }

    /// <summary>Decodes caption tokens as their numbers joined with spaces.</summary>
    public sealed class TestCaptionDecoder : ITextOutputDecoder
    {
        public bool Handles(string modality) => modality == "caption";
        public string Decode(IReadOnlyList<long> tokens) => string.Join(' ', tokens);
    }
}
