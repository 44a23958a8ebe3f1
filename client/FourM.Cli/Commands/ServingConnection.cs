using FourM.Client.Contracts;
using FourM.Grains.Interfaces.Registry;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Cli.Commands;

/// <summary>What the serving commands need from the platform, over the HTTP gateway or straight to the cluster.</summary>
public interface IServingConnection : IAsyncDisposable
{
    Task<SessionStatus> CreateAsync(GenerationRequest request, CancellationToken cancellationToken);
    Task<SessionStatus> StatusAsync(string sessionId, CancellationToken cancellationToken);
    IAsyncEnumerable<StepUpdate> WatchAsync(string sessionId, CancellationToken cancellationToken);
    Task<SessionStatus> CancelAsync(string sessionId, CancellationToken cancellationToken);
    Task<SessionResultView> ResultAsync(string sessionId, CancellationToken cancellationToken);
    /// <summary>PNG bytes of an output, or null when the other side cannot render it.</summary>
    Task<byte[]?> PngAsync(string sessionId, string modality, CancellationToken cancellationToken);
    Task<ModelDeployment[]> ModelsAsync(CancellationToken cancellationToken);
}

/// <summary>Picks the connection from <c>--gateway URL</c> or <c>--cluster host:port[,host:port]</c> (default: the local gateway).</summary>
public static class ServingConnections
{
    public const string Usage = "[--gateway http://127.0.0.1:8080 | --cluster 127.0.0.1:30000[,...]]";

    public static async Task<IServingConnection> OpenAsync(CommandLine cl, CancellationToken cancellationToken)
    {
        if (cl.Has("gateway") && cl.Has("cluster")) throw new UsageException("give --gateway or --cluster, not both");
        if (cl.Get("cluster") is { } cluster)
            return await ClusterServingConnection.ConnectAsync(cluster.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), cancellationToken);
        var gateway = cl.Get("gateway", Environment.GetEnvironmentVariable("FOURM_GATEWAY") ?? "http://127.0.0.1:8080");
        if (!Uri.TryCreate(gateway, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"--gateway must be an http(s) URL, got '{gateway}'");
        return new HttpServingConnection(uri);
    }
}
