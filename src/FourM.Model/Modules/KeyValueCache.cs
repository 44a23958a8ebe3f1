using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>Self-attention keys and values (B,H,L,hd) of the tokens decoded so far, for one decoder layer.</summary>
public sealed class KeyValueCache : IDisposable
{
    public Tensor? Keys { get; private set; }
    public Tensor? Values { get; private set; }

    public long Length => Keys?.shape[2] ?? 0;

    internal void Append(Tensor keys, Tensor values)
    {
        var (oldKeys, oldValues) = (Keys, Values);
        Keys = (oldKeys is null ? keys.contiguous() : cat([oldKeys, keys], 2)).DetachFromDisposeScope();
        Values = (oldValues is null ? values.contiguous() : cat([oldValues, values], 2)).DetachFromDisposeScope();
        // contiguous() may return the same tensor, which the caller's scope still owns; only drop what we replaced.
        if (oldKeys is not null) oldKeys.Dispose();
        if (oldValues is not null) oldValues.Dispose();
    }

    public void Dispose()
    {
        Keys?.Dispose();
        Values?.Dispose();
        Keys = null;
        Values = null;
    }
}
