using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>Self-attention keys and values (B,H,L,hd) of the tokens decoded so far, for one decoder layer.</summary>
public interface IKeyValueCache : IDisposable
{
    /// <summary>(B,H,L,hd); L is the number of cached positions, or the capacity of a preallocated cache.</summary>
    Tensor Keys { get; }
    Tensor Values { get; }

    /// <summary>Adds the keys/values (B,H,T,hd) of the newest positions.</summary>
    void Append(Tensor keys, Tensor values);
}

/// <summary>A cache that grows by one concatenation per step: attention sees exactly the positions decoded so far.</summary>
public sealed class KeyValueCache : IKeyValueCache
{
    private Tensor? _keys;
    private Tensor? _values;

    public Tensor Keys => _keys ?? throw new InvalidOperationException("the cache is empty");
    public Tensor Values => _values ?? throw new InvalidOperationException("the cache is empty");

    public void Append(Tensor keys, Tensor values)
    {
        var (oldKeys, oldValues) = (_keys, _values);
        _keys = (oldKeys is null ? keys.contiguous() : cat([oldKeys, keys], 2)).DetachFromDisposeScope();
        _values = (oldValues is null ? values.contiguous() : cat([oldValues, values], 2)).DetachFromDisposeScope();
        // contiguous() may return the same tensor, which the caller's scope still owns; only drop what we replaced.
        if (oldKeys is not null) oldKeys.Dispose();
        if (oldValues is not null) oldValues.Dispose();
    }

    public void Dispose()
    {
        _keys?.Dispose();
        _values?.Dispose();
        _keys = null;
        _values = null;
    }
}
