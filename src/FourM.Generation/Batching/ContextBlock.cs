using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// The output of one encoder pass, (tokens, D), shared by the contexts of every sample in that pass
/// (<see cref="ContextSlice"/>): each sample's context is a run of its rows. Keeping the block instead of one view per
/// sample spares a 64-row guided batch 128 host calls per step, and lets a decoder pass over the same rows use the padded
/// block as it is. Freed when the last of its contexts is released.
/// </summary>
public sealed class ContextBlock
{
    private int _references;

    /// <param name="rows">(tokens, D) on the device, in the caller's dispose scope until a <see cref="ContextStore"/> takes it.</param>
    /// <param name="rowStride">Set when the block is padded: sample i's context starts at row i·stride.</param>
    /// <param name="contexts">How many contexts will reference the block (each releases it once).</param>
    public ContextBlock(Tensor rows, long? rowStride, int contexts)
    {
        Rows = rows;
        RowStride = rowStride;
        _references = contexts;
    }

    public Tensor Rows { get; }
    public long? RowStride { get; }

    /// <summary>A context of its own (an imported one): one sample, padded to its own length.</summary>
    public static ContextSlice Single(Tensor context) => new(new ContextBlock(context, context.shape[0], 1), 0, context.shape[0]);

    /// <summary>Takes the rows out of the caller's dispose scope: from now on the references decide when they are freed.</summary>
    internal void Keep() => Rows.DetachFromDisposeScope();

    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0) Rows.Dispose();
    }
}

/// <summary>One sample's encoder context: <see cref="Length"/> rows of a <see cref="ContextBlock"/> from <see cref="Offset"/>.</summary>
public sealed record ContextSlice(ContextBlock Block, long Offset, long Length)
{
    /// <summary>The context (Length, D) as a view, in the caller's dispose scope.</summary>
    public Tensor View() => Block.Rows.narrow(0, Offset, Length);
}
