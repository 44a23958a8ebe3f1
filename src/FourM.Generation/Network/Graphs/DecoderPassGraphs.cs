using FourM.Generation.Batching;
using FourM.Model;
using static TorchSharp.torch;

namespace FourM.Generation.Network;

/// <summary>
/// <see cref="PassGraphs{TBuffers}"/> of the decoder passes of image steps (queries against their padded contexts): rows by
/// <see cref="PassGraphs{TBuffers}.RowBucket"/>, query slots rounded up to <see cref="QueryBucket"/>, context slots to
/// <see cref="ContextBucket"/>. On by default on CUDA (<see cref="FourMModelNetwork.DecoderPassGraphs"/>).
/// </summary>
public sealed class DecoderPassGraphs(FourMModel model) : PassGraphs<DecoderPassGraphs.Buffers>(model.Device)
{
    public const long QueryBucket = 8;
    public const long ContextBucket = 64;

    /// <summary>The decoder on y (R,Q,D) against context (R,C,D); row r has <paramref name="queryLengths"/>[r] real queries and
    /// <paramref name="contextLengths"/>[r] real context slots. Returns (R,Q,D) in the caller's dispose scope.</summary>
    /// <param name="eager">The pass without graphs (first sight of a bucket, or after a failed capture).</param>
    public Tensor Decode(Tensor y, Tensor context, long[] queryLengths, long[] contextLengths, Func<Tensor> eager)
    {
        long rows = y.shape[0], queries = y.shape[1];
        var key = (RowBucket(rows), RoundUp(queries, QueryBucket), RoundUp(context.shape[1], ContextBucket));
        return Run(key, eager,
            buffers => (buffers ?? Buffers.Create(key, y.shape[2], y.dtype, model.Device)).Fill(y, context, queryLengths, contextLengths, model.Device),
            b => model.Decode(b.Queries, b.Context, b.QueryBlocked, b.ContextBlocked),
            output => output.narrow(0, 0, rows).narrow(1, 0, queries).clone());
    }

    /// <summary>
    /// A bucket's queries, context and key masks. Slots and rows past a pass's own keep whatever finite values they held
    /// (zeros at first): they are blocked as keys, and padded rows' outputs are never read.
    /// </summary>
    public sealed class Buffers : IDisposable
    {
        public required Tensor Queries, Context, QueryBlocked, ContextBlocked;

        public static Buffers Create((long Rows, long Queries, long Context) key, long width, ScalarType dtype, Device device) => new()
        {
            Queries = zeros([key.Rows, key.Queries, width], dtype, device).DetachFromDisposeScope(),
            Context = zeros([key.Rows, key.Context, width], dtype, device).DetachFromDisposeScope(),
            QueryBlocked = ones([key.Rows, 1, key.Queries], ScalarType.Bool, device).DetachFromDisposeScope(),
            ContextBlocked = ones([key.Rows, 1, key.Context], ScalarType.Bool, device).DetachFromDisposeScope(),
        };

        public Buffers Fill(Tensor y, Tensor context, long[] queryLengths, long[] contextLengths, Device device)
        {
            using var scope = NewDisposeScope();
            Queries.narrow(0, 0, y.shape[0]).narrow(1, 0, y.shape[1]).copy_(y);
            Context.narrow(0, 0, context.shape[0]).narrow(1, 0, context.shape[1]).copy_(context);
            QueryBlocked.copy_(Blocked(queryLengths, Queries, device));
            ContextBlocked.copy_(Blocked(contextLengths, Context, device));
            return this;
        }

        public void Dispose()
        {
            Queries.Dispose();
            Context.Dispose();
            QueryBlocked.Dispose();
            ContextBlocked.Dispose();
        }
    }
}
