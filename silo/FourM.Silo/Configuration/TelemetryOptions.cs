namespace FourM.Silo.Configuration;

/// <summary>Metrics export (section <c>FourM:Telemetry</c>): meters <c>FourM.Serving</c> and <c>Microsoft.Orleans</c>.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "FourM:Telemetry";

    /// <summary>Print metrics to the console every <see cref="ConsoleIntervalSeconds"/> (opt-in: it is noisy).</summary>
    public bool Console { get; set; }
    public int ConsoleIntervalSeconds { get; set; } = 30;
    /// <summary>Serve a Prometheus scrape endpoint at <see cref="PrometheusPath"/> on the silo's HTTP port.</summary>
    public bool Prometheus { get; set; } = true;
    public string PrometheusPath { get; set; } = "/metrics";
}
