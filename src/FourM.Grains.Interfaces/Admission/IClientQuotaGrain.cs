namespace FourM.Grains.Interfaces.Admission;

/// <summary>Concurrent-session cap of one client (key: client id).</summary>
[Alias("fourm.IClientQuotaGrain")]
public interface IClientQuotaGrain : IGrainWithStringKey
{
    /// <summary>Takes a slot for <paramref name="sessionId"/> (idempotent) or throws <see cref="ServingRejectedException"/>.</summary>
    Task Acquire(string sessionId, int limit);

    Task Release(string sessionId);

    Task<int> ActiveSessions();
}
