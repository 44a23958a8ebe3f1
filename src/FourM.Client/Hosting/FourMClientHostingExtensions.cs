using System.Net;
using System.Net.Sockets;
using FourM.Client.Outputs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FourM.Client.Hosting;

public static class FourMClientHostingExtensions
{
    /// <summary>
    /// Adds an Orleans client connected as <see cref="FourMConnectionOptions"/> (bound from configuration, then
    /// <paramref name="configure"/>) and a <see cref="FourMClient"/> singleton. Text decoders and image renderers
    /// registered in DI (<see cref="ITextOutputDecoder"/>, <see cref="IImageOutputRenderer"/>) are picked up.
    /// </summary>
    public static IHostApplicationBuilder AddFourMClient(this IHostApplicationBuilder builder, Action<FourMConnectionOptions>? configure = null)
    {
        var connection = new FourMConnectionOptions();
        builder.Configuration.GetSection(FourMConnectionOptions.SectionName).Bind(connection);
        configure?.Invoke(connection);
        bool providerConfigured = !string.IsNullOrEmpty(builder.Configuration["Orleans:Clustering:ProviderType"]);

        builder.UseOrleansClient(client =>
        {
            if (!providerConfigured)
            {
                var endpoints = connection.Gateways.Select(ParseEndpoint).ToArray();
                if (endpoints.Length == 0) throw new InvalidOperationException($"{FourMConnectionOptions.SectionName}:Gateways lists no gateway");
                if (endpoints.All(e => IPAddress.IsLoopback(e.Address)))
                    client.UseLocalhostClustering(endpoints.Select(e => e.Port).ToArray(), connection.ServiceId, connection.ClusterId);
                else
                    client.UseStaticClustering(endpoints);
            }
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = builder.Configuration["Orleans:ClusterId"] ?? connection.ClusterId;
                o.ServiceId = builder.Configuration["Orleans:ServiceId"] ?? connection.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o =>
            {
                o.ResponseTimeout = connection.ResponseTimeout;
                o.CancelRequestOnTimeout = true;
            });
            var deadline = DateTime.UtcNow + connection.ConnectTimeout;
            client.UseConnectionRetryFilter(async (_, ct) =>
            {
                if (DateTime.UtcNow >= deadline) return false;
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
                return true;
            });
        });

        builder.Services.AddOptions<FourMClientOptions>().BindConfiguration(FourMClientOptions.SectionName);
        // Text outputs decode with the 4M tokenizer unless the host registered its own decoders.
        builder.Services.AddSingleton(sp => new OutputRenderers(
            sp.GetServices<ITextOutputDecoder>().DefaultIfEmpty(WordPieceTextDecoder.CreateDefault()), sp.GetServices<IImageOutputRenderer>()));
        builder.Services.AddSingleton(sp => new FourMClient(
            sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<IOptions<FourMClientOptions>>().Value, sp.GetRequiredService<OutputRenderers>()));
        return builder;
    }

    /// <summary>Parses <c>host:port</c> (IPv4, <c>[v6]:port</c> or a DNS name, resolved now).</summary>
    public static IPEndPoint ParseEndpoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0) return endpoint;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is <= 0 or > 65535)
            throw new FormatException($"gateway endpoint '{text}' must be host:port");
        var host = text[..colon];
        var address = Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? Dns.GetHostAddresses(host).FirstOrDefault()
            ?? throw new FormatException($"gateway host '{host}' does not resolve");
        return new IPEndPoint(address, port);
    }
}
