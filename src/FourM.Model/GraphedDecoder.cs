using FourM.Model.Runtime.CudaGraphs;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Model;

/// <summary>
/// Incremental decoding on a preallocated <see cref="DecoderCache"/> whose steps, from the second on, replay one CUDA graph:
/// a decoder step of 4M-B issues about 330 kernels from the host, and at batch 1 the host's issuing is the whole cost. The
/// first step runs eagerly (it allocates the cache and warms libtorch up); the second is captured and replayed, the rest only
/// replayed. Where capturing is unsupported or fails (the CPU, a libtorch without the entry points, a capture error), every
/// step runs eagerly on the same cache, with the same kernels: only the host's issuing differs.
/// </summary>
public sealed class GraphedDecoder : IDisposable
{
    private readonly FourMModel _model;
    private readonly DecoderCache _cache;
    private readonly Tensor? _crossMask;
    private CudaGraph? _graph;
    private Tensor? _input;
    private Tensor? _output;

    /// <param name="cache">From <see cref="FourMModel.StartDecoding"/> with a capacity; owned by the caller.</param>
    /// <param name="crossMask">From <see cref="FourMModel.PrepareAttentionMask"/>; must stay alive as long as this decoder.</param>
    /// <param name="captureGraphs">False: every step eager (the preallocated cache's arithmetic without graphs).</param>
    public GraphedDecoder(FourMModel model, DecoderCache cache, Tensor? crossMask, bool captureGraphs = true)
    {
        if (cache.Capacity is null) throw new ArgumentException("a graphed decoder needs a preallocated cache", nameof(cache));
        _model = model;
        _cache = cache;
        _crossMask = crossMask;
        if (!captureGraphs) Fallback = "graphs turned off";
        else if (model.Device.type != DeviceType.CUDA) Fallback = "not a CUDA device";
    }

    /// <summary>Why steps run eagerly, or null while graphs are (or will be) used.</summary>
    public string? Fallback { get; private set; }

    /// <summary>True once the steps replay a captured graph.</summary>
    public bool Replaying => _graph is not null;

    /// <summary>
    /// Decodes the next position: y (B,1,D) → (B,1,D). A replayed step returns a view of the graph's output buffer, valid until
    /// the next step (which overwrites it).
    /// </summary>
    public Tensor Step(Tensor y)
    {
        if (_graph is not null)
        {
            _cache.CheckRoom(1);
            // copy_ would broadcast a smaller input silently; the graph was captured for one shape.
            if (!y.shape.SequenceEqual(_input!.shape))
                throw new ArgumentException($"the graphed step takes ({string.Join(',', _input.shape)}), not ({string.Join(',', y.shape)})", nameof(y));
            _input.copy_(y);
            _graph.Replay();
            _cache.Advance(1);
            return _output!.alias();
        }
        // A capture costs about one eager step: only worth it with at least two replays to follow.
        bool capture = Fallback is null && _cache.Length == 1 && _cache.Capacity - _cache.Length >= 3;
        if (!capture || !TryCapture(y)) return _model.DecodeStep(_cache, y, null, _crossMask);
        _graph!.Replay();
        _cache.Advance(1);
        return _output!.alias();
    }

    private bool TryCapture(Tensor y)
    {
        _cache.CheckRoom(1);
        _input = y.clone().DetachFromDisposeScope();
        var graph = CudaGraph.TryCapture(y.device.index < 0 ? 0 : y.device.index, () =>
        {
            using var scope = NewDisposeScope();
            // The output is the graph's own allocation (in its private pool): replays write the next step's result there.
            _output = _model.IssueDecodeStep(_cache, _input, null, _crossMask).DetachFromDisposeScope();
        }, out var failure);
        if (graph is null)
        {
            Fallback = failure;
            _input.Dispose();
            _input = null;
            _output?.Dispose();
            _output = null;
            return false;
        }
        _graph = graph;
        return true;
    }

    public void Dispose()
    {
        // The output lives in the graph's pool: release the tensor before the pool goes back to the allocator.
        _output?.Dispose();
        _input?.Dispose();
        _graph?.Dispose();
        _output = _input = null;
        _graph = null;
    }
}
