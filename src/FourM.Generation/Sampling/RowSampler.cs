using FourM.Generation.Batching;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Sampling;

/// <summary>
/// <see cref="TokenSampler.Sample"/> for many jobs at once: the rows of all jobs with the same temperature, top-k, top-p and
/// vocabulary are filtered and softmaxed in one call (every operation is row-wise, so each row is what it would be alone),
/// and each job then draws its rows from its own stream, in the same order as sampling it alone.
/// </summary>
public static class RowSampler
{
    public sealed record Rows(Tensor Logits, double Temperature, TopK TopK, double TopP, JobRandom Random);

    /// <returns>Per job: sampled ids (K) int64 and their probabilities (K) float32, in the caller's dispose scope.</returns>
    public static (Tensor Samples, Tensor Probabilities)[] Sample(IReadOnlyList<Rows> jobs)
    {
        var result = new (Tensor, Tensor)[jobs.Count];
        var groups = Enumerable.Range(0, jobs.Count)
            .GroupBy(j => (jobs[j].Temperature, jobs[j].TopK, jobs[j].TopP, Vocabulary: jobs[j].Logits.shape[^1]));
        foreach (var group in groups)
        {
            var members = group.ToArray();
            var (temperature, topK, topP, _) = group.Key;
            var logits = members.Length == 1 ? jobs[members[0]].Logits : torch.cat(members.Select(j => jobs[j].Logits).ToArray(), 0);
            if (TokenSampler.IsGreedy(temperature))
            {
                var argmax = logits.argmax(-1);
                var ones = torch.ones(argmax.shape, dtype: ScalarType.Float32, device: logits.device);
                Split(members, jobs, (argmax, ones), result);
                continue;
            }
            var probabilities = (LogitFilter.Apply(logits, topK, topP) / temperature).softmax(-1);
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

    private static void Split(int[] members, IReadOnlyList<Rows> jobs, (Tensor Samples, Tensor Probabilities) all, (Tensor, Tensor)[] result)
    {
        long offset = 0;
        foreach (var j in members)
        {
            long rows = jobs[j].Logits.shape[0];
            result[j] = (all.Samples.narrow(0, offset, rows), all.Probabilities.narrow(0, offset, rows));
            offset += rows;
        }
    }
}
