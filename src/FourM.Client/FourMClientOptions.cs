using FourM.Client.Contracts;

namespace FourM.Client;

/// <summary>Client-side defaults: which model a request without one uses, who the caller is, and request limits.</summary>
public sealed class FourMClientOptions
{
    public const string SectionName = "FourM:Client";

    public string DefaultModel { get; set; } = "tiny";
    public string ClientId { get; set; } = "anonymous";
    public GenerationRequestLimits Limits { get; set; } = new();
    /// <summary>Resolve a bare model id to its newest registered version before starting (see <see cref="FourMClient.PinAsync"/>).</summary>
    public bool PinModelVersions { get; set; } = true;
    /// <summary>
    /// How long starting a session may keep retrying when the cluster rejects it for now (queue full, client cap, device
    /// draining or none free), each time after the rejection's retry-after. Zero (default): a rejection surfaces at once
    /// as <see cref="GenerationRejectedException"/>, as it does when the budget would be exceeded.
    /// </summary>
    public TimeSpan RetryRejectedStartsFor { get; set; } = TimeSpan.Zero;
}
