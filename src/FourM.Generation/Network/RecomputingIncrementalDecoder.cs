using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Network;

/// <summary>
/// The reference's autoregressive path: every step re-runs the decoder on the whole prefix with a causal mask. Exact but
/// quadratic; used when the network offers no KV cache and as the baseline the cache is tested against.
/// </summary>
public sealed class RecomputingIncrementalDecoder(IGenerationNetwork network, Tensor context, Tensor? contextPaddingMask) : IIncrementalDecoder
{
    private Tensor? _prefix;

    public Tensor Step(Tensor next)
    {
        using var scope = NewDisposeScope();
        var prefix = _prefix is null ? next.alias() : torch.cat([_prefix, next], 1);
        _prefix?.Dispose();
        // The prefix outlives the caller's per-token scopes.
        _prefix = prefix.DetachFromDisposeScope();
        long length = prefix.shape[1], batch = prefix.shape[0];
        var causal = torch.ones(length, length, dtype: ScalarType.Bool, device: prefix.device).triu(1).unsqueeze(0).expand(batch, length, length);
        var decoded = network.Decode(prefix, context, contextPaddingMask, causal);
        return decoded.narrow(1, length - 1, 1).MoveToOuterDisposeScope();
    }

    public void Dispose() => _prefix?.Dispose();
}
