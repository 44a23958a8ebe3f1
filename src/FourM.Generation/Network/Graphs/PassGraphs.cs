using FourM.Generation.Batching;
using FourM.Model.Runtime.CudaGraphs;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Network;

/// <summary>
/// CUDA graphs of whole encoder or decoder passes, one per shape bucket. A pass of 4M-B issues 300–420 kernels, as many at
/// batch 1 as at batch 32, and on a GPU the host's issuing bounds it; a replay is one launch plus the copies of the pass's
/// inputs into the bucket's buffers. A bucket is captured the second time it is seen (the first pass runs eagerly, so one-off
/// shapes never pay a capture), and the least recently used graphs are freed beyond <see cref="Capacity"/>. Slots and rows
/// a bucket adds are padding, blocked as keys like the padding of a mixed batch, so only the GEMMs' and attention's
/// summation may differ from the eager pass (docs/generation.md). One instance per network, used from its device's thread.
/// </summary>
/// <typeparam name="TBuffers">A bucket's static inputs (what its graph reads).</typeparam>
public abstract class PassGraphs<TBuffers> : IPassGraphs where TBuffers : class, IDisposable
{
    public const int SharedPoolCapacity = 64;
    public const int PrivatePoolCapacity = 16;

    private readonly Dictionary<(long, long, long), Entry> _entries = new();
    private readonly Device _device;
    private long _clock;
    private int _capacity = CudaGraph.CanSharePools ? SharedPoolCapacity : PrivatePoolCapacity;
    private bool _capacitySet;
    private bool _sharePool = true;
    private GraphMemoryPool? _pool;
    private bool _poolRequested;
    private int _ownerThread;

    protected PassGraphs(Device device) => _device = device;

    /// <summary>
    /// Most graphs kept: <see cref="SharedPoolCapacity"/> by default where the graphs share one memory pool, else
    /// <see cref="PrivatePoolCapacity"/>. With private pools each graph holds its pass's intermediates: on an H200, ten graphs
    /// of 4M-B decoder passes of up to 64 rows took 3.2 GB (docs/benchmarks.md), about 0.3 GB each. Sharing one pool, they
    /// need the largest pass's intermediates once plus each graph's output. Serving meets many shapes (rows and lengths vary
    /// from batch to batch): with 16 graphs a served run at N = 64 captured about 20 encoder graphs anew and spent 0.1–0.2 s
    /// capturing; with 64, 0–3 after the first run (docs/benchmarks.md, twelfth session).
    /// </summary>
    public int Capacity
    {
        get => _capacity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _capacity = value;   // a lower capacity evicts at the next capture
            _capacitySet = true;
        }
    }

    /// <summary>
    /// Capture every graph into one shared memory pool where libtorch can make one (the default); false: a private pool per
    /// graph, as before the twelfth session (and <see cref="PrivatePoolCapacity"/> graphs unless a capacity was set). Takes
    /// effect at the first capture.
    /// </summary>
    public bool SharePool
    {
        get => _sharePool;
        set
        {
            _sharePool = value;
            if (!value && !_capacitySet) _capacity = PrivatePoolCapacity;
        }
    }

    /// <summary>Whether this instance's graphs share one memory pool (see <see cref="Capacity"/>); false before the first capture.</summary>
    public bool SharesPool => _pool is not null;

    /// <summary>Why graphs are not used, once a capture failed (every pass then runs eagerly); null while they are.</summary>
    public string? Failure { get; private set; }

    /// <summary>
    /// Without CUDA graphs (the CPU build), run the bucketed pass on the static buffers eagerly instead of the plain pass: what
    /// a replay computes, for tests.
    /// </summary>
    public bool RunBucketsEagerly { get; init; }

    public int Captures { get; private set; }
    public long Replays { get; private set; }
    /// <summary>Passes run on a bucket's buffers (replays, or eager runs of <see cref="RunBucketsEagerly"/>).</summary>
    public long BucketedPasses { get; private set; }
    /// <summary>Passes run eagerly while graphs are in use: a bucket's first sight, or a failed capture.</summary>
    public long EagerPasses { get; private set; }
    /// <summary>Host time spent capturing (issuing the captured pass and instantiating its graph).</summary>
    public TimeSpan CaptureTime { get; private set; }

    /// <summary>Rows: powers of two up to 8, then multiples of 8, so batches whose row counts vary still meet graphs they can
    /// replay; a padded row is fully blocked and its output never read.</summary>
    public static long RowBucket(long rows) => rows <= 8 ? (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)rows) : RoundUp(rows, 8);

    protected static long RoundUp(long value, long bucket) => (value + bucket - 1) / bucket * bucket;

    /// <summary>A bucket's key mask (rows, 1, slots) for a buffer of (rows, slots, D): true past each row's length, and on
    /// every slot of the bucket's padded rows.</summary>
    protected static Tensor Blocked(long[] lengths, Tensor buffer, Device device)
    {
        long rows = buffer.shape[0], slots = buffer.shape[1];
        return DeviceArrays.Copy(EncoderPass.PaddingFlags(lengths, rows, slots), [rows, 1, slots], device);
    }

    /// <summary>
    /// Runs one pass through the bucket <paramref name="key"/>: <paramref name="fill"/> creates (when null) and fills the
    /// bucket's buffers, <paramref name="issue"/> is the pass on them (what is captured), and <paramref name="read"/> takes
    /// this pass's part of the output (a copy: another pass of the same step may replay the graph before it is read).
    /// </summary>
    protected Tensor Run((long, long, long) key, Func<Tensor> eager, Func<TBuffers?, TBuffers> fill, Func<TBuffers, Tensor> issue, Func<Tensor, Tensor> read)
    {
        bool graphs = CudaGraph.Unsupported is null;
        if (Failure is not null || (!graphs && !RunBucketsEagerly)) return eager();
        CheckThread();
        if (!_entries.TryGetValue(key, out var entry))
        {
            // Buckets seen once hold no tensors; still, keep their count bounded when shapes never repeat.
            if (_entries.Count >= 4 * Capacity)
                foreach (var stale in _entries.Where(e => e.Value.Graph is null).OrderBy(e => e.Value.LastUse).Take(Capacity).ToList())
                    _entries.Remove(stale.Key);
            _entries[key] = new Entry { LastUse = ++_clock };
            EagerPasses++;
            return eager();
        }
        entry.LastUse = ++_clock;
        entry.Buffers = fill(entry.Buffers);
        if (!graphs)
        {
            using var scope = NewDisposeScope();
            entry.Output?.Dispose();
            entry.Output = issue(entry.Buffers).DetachFromDisposeScope();
        }
        else
        {
            if (entry.Graph is null && !Capture(entry, key, issue))
            {
                EagerPasses++;
                return eager();
            }
            entry.Graph!.Replay();
            Replays++;
        }
        BucketedPasses++;
        return read(entry.Output!);
    }

    /// <summary>
    /// Graphs, their buffers and their pool belong to the thread that first used them (the device's torch thread): issued from
    /// two threads, one pass could refill a bucket's buffers while another replays it, and on the H200 such sharing ended in a
    /// segmentation fault inside libtorch (docs/benchmarks.md, eleventh session). A clear error instead.
    /// </summary>
    private void CheckThread()
    {
        var current = Environment.CurrentManagedThreadId;
        if (_ownerThread == 0) _ownerThread = current;
        else if (_ownerThread != current)
            throw new InvalidOperationException(
                $"pass graphs are used from thread {current} but belong to thread {_ownerThread}: a network (and its graphs) must be used from one thread only; give each thread its own network");
    }

    private bool Capture(Entry entry, (long, long, long) key, Func<TBuffers, Tensor> issue)
    {
        Evict();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (!_poolRequested)
        {
            _pool = SharePool ? CudaGraph.NewSharedPool() : null;
            _poolRequested = true;
        }
        var graph = CudaGraph.TryCapture(_device.index < 0 ? 0 : _device.index, () =>
        {
            using var scope = NewDisposeScope();
            // The output is the graph's own allocation (in its private pool): replays write the next pass's result there.
            entry.Output = issue(entry.Buffers!).DetachFromDisposeScope();
        }, out var failure, _pool);
        CaptureTime += System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (graph is null)
        {
            Failure = failure;
            entry.Dispose();
            _entries.Remove(key);
            return false;
        }
        entry.Graph = graph;
        Captures++;
        return true;
    }

    private void Evict()
    {
        while (_entries.Count(e => e.Value.Graph is not null) >= Capacity)
        {
            var oldest = _entries.Where(e => e.Value.Graph is not null).MinBy(e => e.Value.LastUse);
            oldest.Value.Dispose();
            _entries.Remove(oldest.Key);
        }
    }

    public void Dispose()
    {
        foreach (var entry in _entries.Values) entry.Dispose();
        _entries.Clear();
        GC.SuppressFinalize(this);
    }

    private sealed class Entry : IDisposable
    {
        public long LastUse;
        public TBuffers? Buffers;
        public CudaGraph? Graph;
        public Tensor? Output;

        public void Dispose()
        {
            // The output lives in the graph's pool: release it before the pool goes back to the allocator.
            Output?.Dispose();
            Graph?.Dispose();
            Buffers?.Dispose();
            Output = null;
            Graph = null;
            Buffers = null;
        }
    }
}
