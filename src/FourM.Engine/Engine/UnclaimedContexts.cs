using FourM.Generation.Batching;

namespace FourM.Engine.Engine;

/// <summary>
/// Encoder contexts that no decode, export or release has claimed yet, by job id, plus jobs abandoned before their encode
/// finished. A caller whose encode call is cancelled while the reply is in flight never learns the handle; it abandons the
/// job instead, and the context is freed whether the encode finished before or after that. Touched only on the engine thread.
/// </summary>
internal sealed class UnclaimedContexts
{
    private const int MaxAbandoned = 4096;
    private readonly Dictionary<string, (string ModelId, ContextHandle Handle)> _byJob = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _jobByHandle = new();
    private readonly HashSet<string> _abandoned = new(StringComparer.Ordinal);
    private readonly Queue<string> _abandonedOrder = new();

    /// <summary>Records a finished encode; false when its job was already abandoned (the caller must release the context).</summary>
    public bool Produced(string jobId, string modelId, ContextHandle handle)
    {
        if (_abandoned.Remove(jobId)) return false;
        if (_byJob.Remove(jobId, out var stale)) _jobByHandle.Remove(stale.Handle.Id);
        _byJob[jobId] = (modelId, handle);
        _jobByHandle[handle.Id] = jobId;
        return true;
    }

    /// <summary>A decode, export or release took the context.</summary>
    public void Claimed(ContextHandle handle)
    {
        if (_jobByHandle.Remove(handle.Id, out var jobId)) _byJob.Remove(jobId);
    }

    /// <summary>The job's caller gave up: returns its unclaimed context, if the encode already finished.</summary>
    public (string ModelId, ContextHandle Handle)? Abandon(string jobId)
    {
        if (_byJob.Remove(jobId, out var entry))
        {
            _jobByHandle.Remove(entry.Handle.Id);
            return entry;
        }
        if (_abandoned.Add(jobId))
        {
            _abandonedOrder.Enqueue(jobId);
            // Jobs dropped before packing never produce a context; forget the oldest marks rather than grow without bound.
            while (_abandonedOrder.Count > MaxAbandoned) _abandoned.Remove(_abandonedOrder.Dequeue());
        }
        return null;
    }
}
