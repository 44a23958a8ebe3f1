namespace FourM.Gateway;

/// <summary>HTTP-side knobs of the gateway (section <c>FourM:Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "FourM:Gateway";

    /// <summary>Largest accepted request body; larger bodies get 413 before they are parsed.</summary>
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Header naming the caller for per-client caps (set it from your authentication proxy); absent: the remote address.</summary>
    public string ClientIdHeader { get; set; } = "X-Client-Id";

    /// <summary>Upper bound of a readiness probe's call into the cluster.</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
