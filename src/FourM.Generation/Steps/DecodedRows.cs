using FourM.Generation.Batching;
using static TorchSharp.torch;

namespace FourM.Generation.Steps;

/// <summary>
/// Decoder outputs of many rows, kept in the padded blocks the decoder passes produced. Callers take the rows they need in one
/// view (consecutive full rows of one block, the lockstep case) or one gather, instead of one view per row and a
/// concatenation: on a GPU bound by host calls, per-row views of a 64-row guided batch cost more than the gather.
/// </summary>
public sealed class DecodedRows
{
    private readonly List<Tensor> _blocks = new();
    private readonly (int Block, long Row)[] _where;
    private Tensor? _flat;
    private long[]? _blockOffsets;

    /// <param name="lengths">Valid outputs (query count) of every row.</param>
    public DecodedRows(IReadOnlyList<long> lengths)
    {
        Lengths = lengths.ToArray();
        _where = new (int, long)[Lengths.Length];
    }

    public long[] Lengths { get; }

    /// <summary>Adds a padded block (rows.Length, maxLength, D) holding <paramref name="rows"/> in order.</summary>
    public void Add(Tensor block, IReadOnlyList<int> rows)
    {
        for (int k = 0; k < rows.Count; k++) _where[rows[k]] = (_blocks.Count, k);
        _blocks.Add(block);
        _flat = null;
        _blockOffsets = null;
    }

    /// <summary>The outputs of <paramref name="rows"/> stacked (Σ K, D), in the given order.</summary>
    public Tensor Rows(IReadOnlyList<int> rows)
    {
        var (first, start) = _where[rows[0]];
        var padded = _blocks[first];
        bool contiguous = true;
        for (int k = 0; k < rows.Count && contiguous; k++)
            contiguous = _where[rows[k]] == (first, start + k) && Lengths[rows[k]] == padded.shape[1];
        if (contiguous) return padded.narrow(0, start, rows.Count).reshape(-1, padded.shape[2]);

        _blockOffsets ??= BlockOffsets();
        _flat ??= _blocks.Count == 1 ? _blocks[0].reshape(-1, _blocks[0].shape[2]) : cat(_blocks.Select(b => b.reshape(-1, b.shape[2])).ToArray(), 0);
        var index = new long[rows.Sum(r => Lengths[r])];
        int at = 0;
        foreach (var r in rows)
        {
            var (block, row) = _where[r];
            long origin = _blockOffsets[block] + row * _blocks[block].shape[1];
            for (long k = 0; k < Lengths[r]; k++) index[at++] = origin + k;
        }
        return _flat.index_select(0, DeviceArrays.Copy(index, _flat.device));
    }

    private long[] BlockOffsets()
    {
        var offsets = new long[_blocks.Count];
        for (int b = 1; b < _blocks.Count; b++) offsets[b] = offsets[b - 1] + _blocks[b - 1].shape[0] * _blocks[b - 1].shape[1];
        return offsets;
    }
}
