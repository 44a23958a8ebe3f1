namespace FourM.Silo.Configuration;

/// <summary>
/// Identity, endpoints and lifecycle of this silo (section <c>FourM:Silo</c>). Clustering is localhost unless
/// <c>Orleans:Clustering:ProviderType</c> names a provider (Redis, AdoNet…), which Orleans then configures itself.
/// </summary>
public sealed class SiloHostOptions
{
    public const string SectionName = "FourM:Silo";

    /// <summary>Unique silo name (device addresses are <c>{name}/{device}</c>); default <c>{machine}-{siloPort}</c>. Kubernetes: the pod name.</summary>
    public string? Name { get; set; }
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    /// <summary>Localhost clustering: the first silo's silo-to-silo endpoint (<c>127.0.0.1:11111</c>); null on the first silo itself.</summary>
    public string? PrimarySiloEndpoint { get; set; }
    /// <summary>Address other silos and clients use (Kubernetes: the pod IP); null: the host's first non-loopback IPv4.</summary>
    public string? AdvertisedIP { get; set; }
    public string ClusterId { get; set; } = "fourm";
    public string ServiceId { get; set; } = "fourm";
    /// <summary>Orleans response timeout of calls made by this silo (session → device grains); keep it ≥ <c>FourM:Serving:StepTimeout</c>.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>On shutdown, how long to wait for this silo's devices to finish their sessions before stopping.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Whole shutdown budget (drain + Orleans' graceful stop).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(120);
    /// <summary>Start, wait until started and ready, then stop and exit (0 on success) — for CI and smoke tests.</summary>
    public bool ExitAfterReady { get; set; }
    /// <summary>Bound on <see cref="ExitAfterReady"/>'s wait.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public string ResolvedName() =>
        string.IsNullOrWhiteSpace(Name) ? $"{Environment.MachineName.ToLowerInvariant()}-{SiloPort}" : Name;
}
