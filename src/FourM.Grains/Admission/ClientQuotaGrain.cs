using FourM.Grains.Interfaces.Admission;

namespace FourM.Grains.Admission;

/// <summary>Counts one client's running sessions against its cap (in memory: a lost count only loosens the cap).</summary>
public sealed class ClientQuotaGrain : Grain, IClientQuotaGrain
{
    private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);

    public Task Acquire(string sessionId, int limit)
    {
        if (_sessions.Contains(sessionId)) return Task.CompletedTask;
        if (_sessions.Count >= limit)
            throw new ServingRejectedException(RejectionReason.ClientConcurrencyLimit, TimeSpan.FromSeconds(1),
                $"client '{this.GetPrimaryKeyString()}' already runs {_sessions.Count} sessions (limit {limit})");
        _sessions.Add(sessionId);
        return Task.CompletedTask;
    }

    public Task Release(string sessionId)
    {
        _sessions.Remove(sessionId);
        return Task.CompletedTask;
    }

    public Task<int> ActiveSessions() => Task.FromResult(_sessions.Count);
}
