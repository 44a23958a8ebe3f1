using FourM.Generation.Network;
using FourM.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// The encoder inputs of many samples as one padded (B, max, D) batch built with few device calls: each modality is embedded
/// once for all samples that hold it (one host→device copy of their stacked ids or pixels and masks), and the valid positions
/// of every sample are gathered into the padded layout by one index_select over all embeddings plus a zero row for padding.
/// Token embeddings are lookups and additions, so each row equals embedding its sample alone exactly; pixel inputs go
/// through the patch projection as one batch, like the encoder blocks after it (equal up to GEMM rounding).
/// </summary>
public sealed class EncoderInputBatch
{
    /// <summary>(B, max, D) zero-padded <c>x</c> and <c>emb</c> of the samples with at least one input token.</summary>
    public required Tensor Content { get; init; }
    public required Tensor Embedding { get; init; }
    /// <summary>Input-token count of every sample (0: no input; such samples have no row).</summary>
    public required long[] Lengths { get; init; }
    /// <summary>The samples that have a row, in row order.</summary>
    public required int[] Rows { get; init; }
    public required long MaxLength { get; init; }
    /// <summary>
    /// Set when built packed: <see cref="Content"/> and <see cref="Embedding"/> are then (T, D), the rows' valid tokens back to
    /// back in <see cref="Rows"/> order (shortest first), and this maps them to each attention group's padded layout.
    /// </summary>
    public TokenPacking? Packing { get; init; }

    /// <summary>
    /// Builds the batch, padded or <paramref name="packed"/>; returns null when no sample has an input token. Tensors belong to
    /// the caller's dispose scope.
    /// </summary>
    /// <param name="groupCost">Packed only: the fixed cost of one more attention group, in padded tokens (default: the
    /// device's pass cost, <see cref="StepRunnerOptions.DefaultPassCostTokens"/>).</param>
    public static EncoderInputBatch? Build(IGenerationNetwork network, IReadOnlyList<SampleState> samples, bool packed = false, double? groupCost = null)
    {
        var lengths = new long[samples.Count];
        var inputs = new List<(int Sample, ModalityState State, long[] Valid)>();
        for (int s = 0; s < samples.Count; s++)
            foreach (var modality in samples[s].Modalities)
            {
                if (!network.HasEncoderInput(modality.Modality)) continue;
                var valid = EncoderPass.ValidPositions(modality.InputMask);
                if (valid.Length == 0) continue;
                inputs.Add((s, modality, valid));
                lengths[s] += valid.Length;
            }
        if (inputs.Count == 0) return null;

        // Embed per (modality, shape) group; remember where each (sample, modality) row starts.
        var contents = new List<Tensor>();
        var embeddings = new List<Tensor>();
        var rowStart = new Dictionary<(int Sample, ModalityState State), long>(ReferenceTupleComparer.Instance);
        long offset = 0;
        var groups = inputs.GroupBy(i => (i.State.Modality, Length: i.State.InputMask.Length, Pixels: i.State.PixelShape is { } shape ? string.Join('x', shape) : ""));
        foreach (var group in groups)
        {
            var members = group.ToList();
            var (content, embedding) = network.EmbedEncoderInputs(members.Select(m => m.State).ToList());
            long n = content.shape[1];
            contents.Add(content.reshape(-1, network.Dim));
            embeddings.Add(embedding.reshape(-1, network.Dim));
            foreach (var m in members) { rowStart[(m.Sample, m.State)] = offset; offset += n; }
        }
        long zeroRow = offset;

        var rows = Enumerable.Range(0, samples.Count).Where(s => lengths[s] > 0).ToArray();
        long maxLength = rows.Max(s => lengths[s]);
        var index = new long[rows.Length * maxLength];
        Array.Fill(index, zeroRow);
        var cursor = new long[samples.Count];
        var rowOf = new int[samples.Count];
        for (int r = 0; r < rows.Length; r++) rowOf[rows[r]] = r;
        foreach (var (sample, state, valid) in inputs)
        {
            long start = rowStart[(sample, state)], at = rowOf[sample] * maxLength + cursor[sample];
            for (int k = 0; k < valid.Length; k++) index[at + k] = start + valid[k];
            cursor[sample] += valid.Length;
        }
        if (packed)
            return BuildPacked(network, contents, embeddings, index, lengths, rows, maxLength,
                groupCost ?? StepRunnerOptions.DefaultPassCostTokens(network.Device, network.Dim, network.ReplaysEncoderPasses));
        var zero = torch.zeros(1, network.Dim, dtype: contents[0].dtype, device: network.Device);
        var gather = DeviceArrays.Copy(index, network.Device);
        Tensor Gather(List<Tensor> parts) => torch.cat([.. parts, zero], 0).index_select(0, gather).reshape(rows.Length, maxLength, network.Dim);
        return new EncoderInputBatch
        {
            Content = Gather(contents), Embedding = Gather(embeddings), Lengths = lengths, Rows = rows, MaxLength = maxLength,
        };
    }

    /// <summary>
    /// The padded layout's gather index, kept only at each row's valid tokens, with the rows packed shortest first so that
    /// the attention groups (<see cref="LengthGroups"/> over the rows' lengths, at <paramref name="groupCost"/> padded tokens
    /// per group) are contiguous runs of the packed tokens.
    /// </summary>
    private static EncoderInputBatch BuildPacked(IGenerationNetwork network, List<Tensor> contents, List<Tensor> embeddings, long[] paddedIndex,
        long[] lengths, int[] rows, long maxLength, double groupCost)
    {
        var order = Enumerable.Range(0, rows.Length).OrderBy(r => lengths[rows[r]]).ThenBy(r => r).ToArray();   // padded rows, shortest first
        var packedLengths = order.Select(r => lengths[rows[r]]).ToArray();
        var tokenStart = PaddedLayout.Starts(packedLengths);
        var index = new long[packedLengths.Sum()];
        for (int i = 0; i < order.Length; i++)
            Array.Copy(paddedIndex, order[i] * maxLength, index, tokenStart[i], packedLengths[i]);
        var groups = new List<TokenPackingGroup>();
        foreach (var group in LengthGroups.Split(packedLengths, groupCost))
        {
            // Lengths are sorted already, so each group is the run group[0] .. group[^1] of the packed rows.
            var groupLengths = packedLengths[group[0]..(group[^1] + 1)];
            long length = groupLengths[^1];
            groups.Add(new TokenPackingGroup(
                DeviceArrays.Copy(PaddedLayout.Positions(groupLengths, length), network.Device),
                DeviceArrays.Copy(PaddedLayout.Gather(tokenStart[group[0]..(group[^1] + 1)], groupLengths, length), network.Device),
                groupLengths.Length, length, EncoderPass.PaddingMask(groupLengths, length, network.Device)));
        }
        var gather = DeviceArrays.Copy(index, network.Device);
        Tensor Gather(List<Tensor> parts) => (parts.Count == 1 ? parts[0] : torch.cat([.. parts], 0)).index_select(0, gather);
        return new EncoderInputBatch
        {
            Content = Gather(contents), Embedding = Gather(embeddings), Lengths = lengths, Rows = order.Select(r => rows[r]).ToArray(),
            MaxLength = maxLength, Packing = new TokenPacking(groups),
        };
    }

    /// <summary>The number of input tokens a sample contributes to the encoder (its row length in <see cref="Build"/>).</summary>
    public static long InputLength(IGenerationNetwork network, SampleState sample) =>
        sample.Modalities.Where(m => network.HasEncoderInput(m.Modality)).Sum(m => (long)m.InputMask.Count(blocked => !blocked));

    /// <summary>Keys by the modality object itself (a sample may hold equal-looking modalities in different passes).</summary>
    private sealed class ReferenceTupleComparer : IEqualityComparer<(int Sample, ModalityState State)>
    {
        public static readonly ReferenceTupleComparer Instance = new();
        public bool Equals((int Sample, ModalityState State) a, (int Sample, ModalityState State) b) => a.Sample == b.Sample && ReferenceEquals(a.State, b.State);
        public int GetHashCode((int Sample, ModalityState State) key) => HashCode.Combine(key.Sample, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.State));
    }
}
