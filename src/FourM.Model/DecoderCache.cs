using FourM.Model.Modules;
using static TorchSharp.torch;

namespace FourM.Model;

/// <summary>
/// State for incremental (autoregressive) decoding against one encoder context: per decoder layer, the cross-attention keys and
/// values of the context (computed once) and a self-attention cache, either growing (<see cref="KeyValueCache"/>) or of fixed
/// capacity (<see cref="PreallocatedKeyValueCache"/>, with <see cref="Positions"/>).
/// </summary>
public sealed class DecoderCache : IDisposable
{
    internal DecoderCache(IReadOnlyList<(Tensor Keys, Tensor Values)> contextKeyValues, DecoderPositions? positions)
    {
        ContextKeyValues = contextKeyValues;
        Positions = positions;
        SelfAttention = contextKeyValues.Select(_ => positions is null ? (IKeyValueCache)new KeyValueCache() : new PreallocatedKeyValueCache(positions)).ToList();
    }

    internal IReadOnlyList<(Tensor Keys, Tensor Values)> ContextKeyValues { get; }
    internal IReadOnlyList<IKeyValueCache> SelfAttention { get; }

    /// <summary>The shared write position and mask of a preallocated cache; null for a growing one.</summary>
    internal DecoderPositions? Positions { get; }

    /// <summary>Positions a preallocated cache holds; null when it grows.</summary>
    public long? Capacity => Positions?.Capacity;

    /// <summary>Number of decoder positions already processed.</summary>
    public long Length { get; private set; }

    /// <summary>Throws when <paramref name="tokens"/> more positions would not fit (before any kernel is queued: on a GPU an
    /// out-of-range write is a device-side assert that ends the process's CUDA context).</summary>
    internal void CheckRoom(long tokens)
    {
        if (Positions is null) return;
        if (tokens != 1) throw new ArgumentException($"a preallocated decoder cache takes one position per step, not {tokens}");
        if (Length + tokens > Positions.Capacity)
            throw new InvalidOperationException($"the decoder cache holds {Positions.Capacity} positions; all are used");
    }

    internal void Advance(long tokens) => Length += tokens;

    public void Dispose()
    {
        foreach (var (keys, values) in ContextKeyValues)
        {
            keys.Dispose();
            values.Dispose();
        }
        foreach (var cache in SelfAttention) cache.Dispose();
        Positions?.Dispose();
    }
}
