using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FourM.Client.Hosting;

/// <summary>A started client host for tools and scripts: <c>await using var c = await FourMConnection.ConnectAsync(o => ...)</c>.</summary>
public sealed class FourMConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private FourMConnection(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<FourMClient>();
    }

    public FourMClient Client { get; }
    public IServiceProvider Services => _host.Services;

    public static async Task<FourMConnection> ConnectAsync(Action<FourMConnectionOptions>? configure = null,
        Action<IHostApplicationBuilder>? configureHost = null, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole();
        configureHost?.Invoke(builder);
        builder.AddFourMClient(configure);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new FourMConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
