namespace FourM.Client.Hosting;

/// <summary>
/// How a client reaches the cluster (section <c>FourM:Connection</c>). With no <c>Orleans:Clustering:ProviderType</c>
/// configured, the client connects to the listed gateways directly (loopback-only lists use localhost clustering);
/// otherwise Orleans' configured clustering provider (Redis, ADO.NET…) finds them.
/// </summary>
public sealed class FourMConnectionOptions
{
    public const string SectionName = "FourM:Connection";

    /// <summary>Silo gateway endpoints, <c>host:port</c>.</summary>
    public List<string> Gateways { get; set; } = ["127.0.0.1:30000"];
    public string ClusterId { get; set; } = "fourm";
    public string ServiceId { get; set; } = "fourm";
    /// <summary>How long to keep retrying the first connection before giving up.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Per-call response timeout (long calls such as waiting for a whole session use their own tokens).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
