using FourM.Client;
using FourM.Client.Contracts;
using FourM.Client.Hosting;
using FourM.Grains.Interfaces.Registry;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Cli.Commands;

/// <summary>The serving API straight through an Orleans client (a trusted caller inside the cluster's network).</summary>
public sealed class ClusterServingConnection : IServingConnection
{
    private readonly FourMConnection _connection;

    private ClusterServingConnection(FourMConnection connection) => _connection = connection;

    private FourMClient Client => _connection.Client;

    public static async Task<ClusterServingConnection> ConnectAsync(IReadOnlyList<string> gateways, CancellationToken cancellationToken) =>
        new(await FourMConnection.ConnectAsync(o =>
        {
            o.Gateways = gateways.ToList();
            o.ConnectTimeout = TimeSpan.FromSeconds(15);
        }, cancellationToken: cancellationToken));

    public Task<SessionStatus> CreateAsync(GenerationRequest request, CancellationToken cancellationToken) =>
        Client.CreateSessionAsync(request, cancellationToken: cancellationToken);

    public Task<SessionStatus> StatusAsync(string sessionId, CancellationToken cancellationToken) => Client.GetStatusAsync(sessionId);

    public IAsyncEnumerable<StepUpdate> WatchAsync(string sessionId, CancellationToken cancellationToken) => Client.WatchAsync(sessionId, cancellationToken);

    public Task<SessionStatus> CancelAsync(string sessionId, CancellationToken cancellationToken) => Client.CancelAsync(sessionId);

    public async Task<SessionResultView> ResultAsync(string sessionId, CancellationToken cancellationToken)
    {
        var result = await Client.GetResultAsync(sessionId);
        return new SessionResultView(result.Status, result.Raw.Modalities.Select(m => SessionOutput.From(m, result)).ToList());
    }

    public async Task<byte[]?> PngAsync(string sessionId, string modality, CancellationToken cancellationToken)
    {
        var result = await Client.GetResultAsync(sessionId);
        if (result.CanRenderPng(modality)) return await result.PngAsync(modality, cancellationToken);
        try { return await Client.GetOutputPngAsync(sessionId, modality, cancellationToken: cancellationToken); }
        catch (OutputNotAvailableException) { return null; }
    }

    public Task<ModelDeployment[]> ModelsAsync(CancellationToken cancellationToken) => Client.ListModelsAsync();

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
