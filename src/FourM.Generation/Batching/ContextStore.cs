namespace FourM.Generation.Batching;

/// <summary>
/// Encoder contexts waiting for their decoder phase, kept on the device. Each entry holds one context per guidance pass of a
/// job. Entries are released when decoded, exported, or explicitly; a pass's output block is freed with its last context.
/// </summary>
public sealed class ContextStore
{
    private readonly Dictionary<long, IReadOnlyList<ContextSlice>> _contexts = new();
    private readonly object _gate = new();
    private long _next;

    public int Count { get { lock (_gate) return _contexts.Count; } }

    public ContextHandle Add(IReadOnlyList<ContextSlice> passContexts)
    {
        foreach (var c in passContexts) c.Block.Keep();
        lock (_gate)
        {
            var handle = new ContextHandle(++_next);
            _contexts[handle.Id] = passContexts;
            return handle;
        }
    }

    public IReadOnlyList<ContextSlice> Get(ContextHandle handle)
    {
        lock (_gate)
            return _contexts.TryGetValue(handle.Id, out var c) ? c : throw new KeyNotFoundException($"encoder context {handle.Id} is unknown or already released");
    }

    public void Release(ContextHandle handle)
    {
        IReadOnlyList<ContextSlice>? contexts;
        lock (_gate)
        {
            if (!_contexts.Remove(handle.Id, out contexts)) return;
        }
        foreach (var c in contexts) c.Block.Release();
    }
}
