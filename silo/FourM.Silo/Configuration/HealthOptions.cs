namespace FourM.Silo.Configuration;

/// <summary>Thresholds of the health endpoints (section <c>FourM:Health</c>).</summary>
public sealed class HealthOptions
{
    public const string SectionName = "FourM:Health";

    /// <summary>Not ready once a device's queue holds this share of its cap (new work would soon be rejected).</summary>
    public double ReadyQueueFraction { get; set; } = 0.9;
    /// <summary>Not live when a device has had work queued or running for this long without finishing a batch.</summary>
    public TimeSpan EngineStallTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
