using FourM.Generation.Batching;
using FourM.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Sampling;

/// <summary>
/// One multinomial draw per row for the rows of many jobs at once, each job drawing from its own stream: libtorch's own
/// algorithm for <c>torch.multinomial(p, 1)</c> without replacement, <c>argmax(p / q)</c> with q ~ Exp(1) filled by
/// <c>exponential_</c>, so the ids and the stream consumed are the same. Only the filling is per job; the division, the
/// argmax and the gather of the drawn probabilities run once for all rows (row-wise work, so each row is what it would be
/// alone). libtorch's call first checks its rows for NaN, infinities, negatives and zero sums: several reductions per job
/// and draw, read back to the host in some releases (a device sync each) and asserted on the device in others. Softmax
/// output can only fail that check with NaN, so one NaN test covers all rows here and marks a failed row's id as −1 for the
/// caller to report (a device-side assert would also take down every other session on the device).
/// </summary>
public static class ExponentialRace
{
    /// <summary>Marks a row whose probabilities contain NaN (no valid draw).</summary>
    public const long InvalidId = -1;

    /// <param name="probabilities">(R, V) float32, contiguous; job j owns the next <c>rowsPerJob[j]</c> rows.</param>
    /// <returns>Ids (R) int64 (−1 for a NaN row) and the probability of each drawn id (R), in the caller's dispose scope.</returns>
    public static (Tensor Ids, Tensor Probabilities) Sample(Tensor probabilities, IReadOnlyList<long> rowsPerJob, IReadOnlyList<JobRandom> randoms)
    {
        var exponential = torch.empty_like(probabilities);
        // Every job's rows as views from one host call; the fills stay one per job (each job's own stream).
        var slices = rowsPerJob.Count == 1 ? [exponential] : exponential.split(rowsPerJob.ToArray());
        for (int j = 0; j < rowsPerJob.Count; j++) randoms[j].FillExponential(slices[j]);
        var ids = probabilities.div(exponential).argmax(-1, keepdim: true);
        var drawn = probabilities.gather(-1, ids).squeeze(-1);
        var invalid = probabilities.isnan().any(-1, keepdim: true);
        return (ids.FillWhere(invalid, InvalidId).squeeze(-1), drawn);
    }
}
