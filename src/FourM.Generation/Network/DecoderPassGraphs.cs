using FourM.Generation.Batching;
using FourM.Model;
using FourM.Model.Runtime.CudaGraphs;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Network;

/// <summary>
/// CUDA graphs of whole decoder passes of image steps (queries against their padded contexts), one per shape bucket: rows
/// rounded up by <see cref="RowBucket"/>, query slots to <see cref="QueryBucket"/>, context slots to <see cref="ContextBucket"/>. A decoder pass of
/// 4M-B issues about 420 kernels, the same at batch 1 as at batch 32, and on a GPU the host's issuing bounds it; a replay is
/// one launch plus the copies of the inputs into the graph's buffers. A bucket is captured the second time it is seen (the
/// first pass runs eagerly, so one-off shapes never pay a capture), and the least recently used graphs are freed beyond
/// <see cref="Capacity"/>. On by default on CUDA (<see cref="FourMModelNetwork.DecoderPassGraphs"/>). Extra query and context slots are padding, blocked as keys like the padding of a mixed batch, so
/// only the GEMMs' and attention's summation may differ from the eager pass (docs/generation.md).
/// </summary>
public sealed class DecoderPassGraphs(FourMModel model) : IDisposable
{
    public const long QueryBucket = 8;
    public const long ContextBucket = 64;

    private readonly Dictionary<(long Rows, long Queries, long Context), Entry> _entries = new();
    private long _clock;

    /// <summary>
    /// Most graphs kept. Each holds its pass's intermediates in a private pool: on an H200, ten graphs of 4M-B passes of up to
    /// 64 rows took 3.2 GB (docs/benchmarks.md), about 0.3 GB each.
    /// </summary>
    public int Capacity { get; init; } = 16;

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

    /// <summary>The decoder on y (R,Q,D) against context (R,C,D); row r has <paramref name="queryLengths"/>[r] real queries and
    /// <paramref name="contextLengths"/>[r] real context slots. Returns (R,Q,D) in the caller's dispose scope.</summary>
    /// <param name="eager">The pass without graphs (first sight of a bucket, or after a failed capture).</param>
    public Tensor Decode(Tensor y, Tensor context, long[] queryLengths, long[] contextLengths, Func<Tensor> eager)
    {
        bool graphs = CudaGraph.Unsupported is null;
        if (Failure is not null || (!graphs && !RunBucketsEagerly)) return eager();
        long rows = y.shape[0], queries = y.shape[1], slots = context.shape[1];
        var key = (RowBucket(rows), RoundUp(queries, QueryBucket), RoundUp(slots, ContextBucket));
        if (!_entries.TryGetValue(key, out var entry))
        {
            // Buckets seen once hold no tensors; still, keep their count bounded when shapes never repeat.
            if (_entries.Count >= 4 * Capacity)
                foreach (var stale in _entries.Where(e => e.Value.Graph is null).OrderBy(e => e.Value.LastUse).Take(Capacity).ToList())
                    _entries.Remove(stale.Key);
            _entries[key] = new Entry { LastUse = ++_clock };
            return eager();
        }
        entry.LastUse = ++_clock;
        entry.Fill(y, context, queryLengths, contextLengths, model.Device);
        if (!graphs)
        {
            using var scope = NewDisposeScope();
            entry.Output?.Dispose();
            entry.Output = model.Decode(entry.Queries!, entry.Context!, entry.QueryBlocked!, entry.ContextBlocked!).DetachFromDisposeScope();
        }
        else
        {
            if (entry.Graph is null && !Capture(entry, key)) return eager();
            entry.Graph!.Replay();
            Replays++;
        }
        BucketedPasses++;
        // A copy: another pass of the same step may replay this graph before these rows reach the logits heads.
        return entry.Output!.narrow(0, 0, rows).narrow(1, 0, queries).clone();
    }

    private bool Capture(Entry entry, (long Rows, long Queries, long Context) key)
    {
        Evict();
        var graph = CudaGraph.TryCapture(model.Device.index < 0 ? 0 : model.Device.index, () =>
        {
            using var scope = NewDisposeScope();
            entry.Output = model.Decode(entry.Queries!, entry.Context!, entry.QueryBlocked!, entry.ContextBlocked!).DetachFromDisposeScope();
        }, out var failure);
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

    private static long RoundUp(long value, long bucket) => (value + bucket - 1) / bucket * bucket;

    /// <summary>
    /// Rows: powers of two up to 8, then multiples of 8, so mixed serving batches (whose row counts vary from batch to batch)
    /// meet graphs they can replay; a padded row is fully blocked and its output never read.
    /// </summary>
    public static long RowBucket(long rows) => rows <= 8 ? (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)rows) : RoundUp(rows, 8);

    public void Dispose()
    {
        foreach (var entry in _entries.Values) entry.Dispose();
        _entries.Clear();
    }

    /// <summary>A bucket's static buffers (what its graph reads and writes) and graph.</summary>
    private sealed class Entry : IDisposable
    {
        public long LastUse;
        public Tensor? Queries, Context, QueryBlocked, ContextBlocked, Output;
        public CudaGraph? Graph;

        /// <summary>
        /// Copies this pass into the buffers. Slots past a row's length keep whatever finite values they held (zeros at first):
        /// they are blocked as keys, and padded query rows' outputs are never read.
        /// </summary>
        public void Fill(Tensor y, Tensor context, long[] queryLengths, long[] contextLengths, Device device)
        {
            long rows = RowBucket(y.shape[0]);
            Queries ??= zeros([rows, RoundUp(y.shape[1], QueryBucket), y.shape[2]], y.dtype, device).DetachFromDisposeScope();
            Context ??= zeros([rows, RoundUp(context.shape[1], ContextBucket), context.shape[2]], context.dtype, device).DetachFromDisposeScope();
            QueryBlocked ??= ones([rows, 1, Queries.shape[1]], ScalarType.Bool, device).DetachFromDisposeScope();
            ContextBlocked ??= ones([rows, 1, Context.shape[1]], ScalarType.Bool, device).DetachFromDisposeScope();
            using var scope = NewDisposeScope();
            Queries.narrow(0, 0, y.shape[0]).narrow(1, 0, y.shape[1]).copy_(y);
            Context.narrow(0, 0, context.shape[0]).narrow(1, 0, context.shape[1]).copy_(context);
            QueryBlocked.copy_(Blocked(queryLengths, rows, QueryBlocked.shape[2], device));
            ContextBlocked.copy_(Blocked(contextLengths, rows, ContextBlocked.shape[2], device));
        }

        /// <summary>(rows, 1, slots), true past each row's length; padded rows (past the lengths given) fully blocked.</summary>
        private static Tensor Blocked(long[] lengths, long rows, long slots, Device device)
        {
            var blocked = new bool[rows * slots];
            Array.Fill(blocked, true);
            for (int r = 0; r < lengths.Length; r++) Array.Fill(blocked, false, (int)(r * slots), (int)lengths[r]);
            return DeviceArrays.Copy(blocked, [rows, 1, slots], device);
        }

        public void Dispose()
        {
            // The output lives in the graph's pool: release it before the pool goes back to the allocator.
            Output?.Dispose();
            Graph?.Dispose();
            Queries?.Dispose();
            Context?.Dispose();
            QueryBlocked?.Dispose();
            ContextBlocked?.Dispose();
            Output = Queries = Context = QueryBlocked = ContextBlocked = null;
            Graph = null;
        }
    }
}
