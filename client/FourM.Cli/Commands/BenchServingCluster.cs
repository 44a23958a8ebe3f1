using System.Net;
using System.Net.Sockets;
using FourM.Engine.Engine;
using FourM.Engine.Runners;
using FourM.Generation.Batching;
using FourM.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FourM.Cli.Commands;

/// <summary>
/// One serving silo owning one device and a separate Orleans client connected through the silo's gateway (loopback TCP),
/// both in this process: the whole Orleans path a remote caller would take.
/// </summary>
public sealed class BenchServingCluster : IAsyncDisposable
{
    private readonly IHost _silo;
    private readonly IHost _client;

    private BenchServingCluster(IHost silo, IHost client)
    {
        _silo = silo;
        _client = client;
    }

    public IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    public static async Task<BenchServingCluster> StartAsync(string device, Func<IEncoderDecoderRunner> runner, Action<EngineOptions> engine, int lanes, bool chainSteps, CancellationToken cancellationToken)
    {
        int siloPort = FreePort(), gatewayPort = FreePort();
        var siloBuilder = Host.CreateApplicationBuilder();
        siloBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        siloBuilder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.AddFourMServing(o =>
            {
                o.Devices.Add(device);
                o.RunnerFactory = _ => new DelegateRunnerFactory((_, _) => runner());
                o.MaxSessionsPerClient = int.MaxValue;
                o.DeviceGrainLanes = lanes;
                o.ChainSteps = chainSteps;
                engine(o.Engine);
            });
        });
        var silo = siloBuilder.Build();
        await silo.StartAsync(cancellationToken);

        var clientBuilder = Host.CreateApplicationBuilder();
        clientBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        clientBuilder.UseOrleansClient(c => c.UseLocalhostClustering(gatewayPort));
        var client = clientBuilder.Build();
        await client.StartAsync(cancellationToken);
        return new BenchServingCluster(silo, client);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.StopAsync();
        _client.Dispose();
        await _silo.StopAsync();
        _silo.Dispose();
    }
}
