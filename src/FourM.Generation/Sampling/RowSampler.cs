using FourM.Generation.Batching;
using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Generation.Sampling;

/// <summary>
/// <see cref="TokenSampler.Sample"/> for many jobs at once: the rows of all jobs with the same top-k, top-p and vocabulary
/// are filtered and softmaxed in one call (every operation is row-wise, so each row is what it would be alone), and each
/// job then draws its rows from its own stream, in the same order as sampling it alone. Temperatures may differ inside a
/// group (jobs at different steps of a temperature schedule): filtering comes before the temperature, and the division
/// runs once per distinct temperature on that run of rows, with the same scalar division as a job sampled alone.
/// </summary>
public static class RowSampler
{
    public sealed record Rows(Tensor Logits, double Temperature, TopK TopK, double TopP, JobRandom Random);

    /// <returns>
    /// Per job: sampled ids (K) int64 and their probabilities (K) float32, in the caller's dispose scope. On a GPU an id is
    /// <see cref="ExponentialRace.InvalidId"/> where the row's probabilities contain NaN (see <see cref="CheckDrawn"/>).
    /// </returns>
    /// <param name="batchedDraws">
    /// Draw all rows of a group with one <see cref="ExponentialRace"/> (the same ids as drawing job by job). null: batched
    /// unless a job draws on the CPU, where the managed replay of <see cref="CpuMultinomial"/> is faster.
    /// </param>
    public static (Tensor Samples, Tensor Probabilities)[] Sample(IReadOnlyList<Rows> jobs, bool? batchedDraws = null)
    {
        var result = new (Tensor, Tensor)[jobs.Count];
        var groups = Enumerable.Range(0, jobs.Count)
            .GroupBy(j => (Greedy: TokenSampler.IsGreedy(jobs[j].Temperature), jobs[j].TopK, jobs[j].TopP, Vocabulary: jobs[j].Logits.shape[^1]));
        foreach (var group in groups)
        {
            // Equal temperatures next to each other, so each needs one division over a contiguous run of rows.
            var members = group.OrderBy(j => jobs[j].Temperature).ToArray();
            var (greedy, topK, topP, _) = group.Key;
            var logits = members.Length == 1 ? jobs[members[0]].Logits : torch.cat(members.Select(j => jobs[j].Logits).ToArray(), 0);
            if (greedy)
            {
                var argmax = logits.argmax(-1);
                var ones = torch.ones(argmax.shape, dtype: ScalarType.Float32, device: logits.device);
                Split(members, jobs, (argmax, ones), result);
                continue;
            }
            var probabilities = Tempered(LogitFilter.Apply(logits, topK, topP), members, jobs).softmax(-1);
            if (batchedDraws ?? !members.Any(j => jobs[j].Random.OnCpu))
            {
                Split(members, jobs, ExponentialRace.Sample(probabilities, members.Select(j => jobs[j].Logits.shape[0]).ToList(),
                    members.Select(j => jobs[j].Random).ToList()), result);
                continue;
            }
            long offset = 0;
            foreach (var j in members)
            {
                long rows = jobs[j].Logits.shape[0];
                var jobProbabilities = probabilities.narrow(0, offset, rows);
                var samples = jobs[j].Random.Multinomial(jobProbabilities);
                result[j] = (samples.squeeze(-1), jobProbabilities.gather(-1, samples).squeeze(-1));
                offset += rows;
            }
        }
        return result;
    }

    /// <summary>Fails with a clear error when a drawn id marks a NaN row (the model produced NaN logits).</summary>
    public static void CheckDrawn(string jobId, string target, ReadOnlySpan<long> ids)
    {
        if (ids.IndexOf(ExponentialRace.InvalidId) >= 0)
            throw new InvalidOperationException($"job {jobId}: the probabilities for '{target}' contain NaN (the model produced NaN logits); no token can be drawn");
    }

    private static Tensor Tempered(Tensor filtered, int[] members, IReadOnlyList<Rows> jobs)
    {
        var runs = new List<(double Temperature, long Start, long Rows)>();
        long offset = 0;
        foreach (var j in members)
        {
            long rows = jobs[j].Logits.shape[0];
            if (runs.Count > 0 && runs[^1].Temperature == jobs[j].Temperature) runs[^1] = runs[^1] with { Rows = runs[^1].Rows + rows };
            else runs.Add((jobs[j].Temperature, offset, rows));
            offset += rows;
        }
        if (runs.Count == 1) return filtered.DivBy(runs[0].Temperature);
        return torch.cat(runs.Select(run => filtered.narrow(0, run.Start, run.Rows).DivBy(run.Temperature)).ToArray(), 0);
    }

    private static void Split(int[] members, IReadOnlyList<Rows> jobs, (Tensor Samples, Tensor Probabilities) all, (Tensor, Tensor)[] result)
    {
        if (members.Length == 1)
        {
            result[members[0]] = all;
            return;
        }
        // Two host calls for every job's views (a narrow per job and tensor makes one each).
        var sizes = members.Select(j => jobs[j].Logits.shape[0]).ToArray();
        var samples = all.Samples.split(sizes);
        var probabilities = all.Probabilities.split(sizes);
        for (int i = 0; i < members.Length; i++) result[members[i]] = (samples[i], probabilities[i]);
    }
}
