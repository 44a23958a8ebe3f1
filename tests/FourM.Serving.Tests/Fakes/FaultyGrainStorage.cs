using Orleans.Runtime;
using Orleans.Storage;

namespace FourM.Serving.Tests.Fakes;

/// <summary>Grain storage whose next write of a named state fails (as a store that is briefly unreachable would), once.</summary>
public sealed class FaultyGrainStorage(IGrainStorage inner) : ForwardingGrainStorage(inner)
{
    private readonly object _lock = new();
    private readonly HashSet<string> _failNext = new(StringComparer.Ordinal);

    /// <summary>The next write of <paramref name="stateName"/> throws instead of storing.</summary>
    public void FailNextWriteOf(string stateName)
    {
        lock (_lock) _failNext.Add(stateName);
    }

    public override Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_lock)
            if (_failNext.Remove(stateName)) throw new IOException($"store unreachable (test fault on '{stateName}')");
        return Inner.WriteStateAsync(stateName, grainId, grainState);
    }
}
