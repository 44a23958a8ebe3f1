using FourM.Model.Modules;
using static TorchSharp.torch;

namespace FourM.Model;

/// <summary>
/// State for incremental (autoregressive) decoding against one encoder context: per decoder layer, the cross-attention keys and
/// values of the context (computed once) and a growing self-attention <see cref="KeyValueCache"/>.
/// </summary>
public sealed class DecoderCache : IDisposable
{
    internal DecoderCache(IReadOnlyList<(Tensor Keys, Tensor Values)> contextKeyValues)
    {
        ContextKeyValues = contextKeyValues;
        SelfAttention = contextKeyValues.Select(_ => new KeyValueCache()).ToList();
    }

    internal IReadOnlyList<(Tensor Keys, Tensor Values)> ContextKeyValues { get; }
    internal IReadOnlyList<KeyValueCache> SelfAttention { get; }

    /// <summary>Number of decoder positions already processed.</summary>
    public long Length => SelfAttention.Count == 0 ? _lengthWithoutLayers : SelfAttention[0].Length;

    private long _lengthWithoutLayers;

    internal void Advance(long tokens) => _lengthWithoutLayers += tokens;

    public void Dispose()
    {
        foreach (var (keys, values) in ContextKeyValues)
        {
            keys.Dispose();
            values.Dispose();
        }
        foreach (var cache in SelfAttention) cache.Dispose();
    }
}
