using FourM.Engine.Metrics;
using FourM.Silo.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace FourM.Silo.Telemetry;

public static class SiloTelemetry
{
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>Collects the serving and Orleans meters; exports to Prometheus and/or the console as configured.</summary>
    public static void AddSiloTelemetry(this WebApplicationBuilder builder, TelemetryOptions telemetry, string siloName)
    {
        if (!telemetry.Console && !telemetry.Prometheus) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("fourm-silo", serviceInstanceId: siloName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServingMetrics.MeterName, OrleansMeter);
                if (telemetry.Prometheus) metrics.AddPrometheusExporter();
                if (telemetry.Console)
                    metrics.AddConsoleExporter((_, reader) =>
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = telemetry.ConsoleIntervalSeconds * 1000);
            });
    }

    public static void MapSiloTelemetry(this WebApplication app, TelemetryOptions telemetry)
    {
        if (telemetry.Prometheus) app.MapPrometheusScrapingEndpoint(telemetry.PrometheusPath);
    }
}
