using FourM.Generation.Batching;
using FourM.Generation.Sampling;
using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Generation.Steps;

/// <summary>
/// MaskGIT and ROAR steps for image targets (the reference's <c>*maskgit_step_batched</c> and <c>*roar_step_batched</c>),
/// split into choosing the decoded positions and sampling from the (guided) logits.
/// </summary>
public static class ImageStep
{
    /// <summary>
    /// Positions fed to the decoder. MaskGIT: every still-masked position, ascending. ROAR: the still-masked positions ordered by
    /// <c>argsort(target_mask + rand(N)·1e-6)</c> with the rand drawn from the job's generator, first <c>num_tokens</c> only.
    /// The guided passes reuse these positions (the reference draws the same permutation twice when seeded and different ones
    /// when not, which is its bug 5.11.1). Each job draws its noise from its own stream; all jobs' rows sort in one batched call.
    /// </summary>
    /// <returns>Per job: the positions (K) as int64 on the device, in the caller's dispose scope (no device→host sync).</returns>
    public static Tensor[] SelectPositions(IReadOnlyList<StepJob> jobs, IReadOnlyList<JobRandom> randoms, Device device)
    {
        var result = new Tensor[jobs.Count];
        var roar = new List<(int Job, int Count)>();
        for (int j = 0; j < jobs.Count; j++)
        {
            var job = jobs[j];
            var remaining = EncoderPass.ValidPositions(job.State[job.Step.TargetDomain].TargetMask);
            int numSelect = job.Step.NumTokens ?? throw new GenerationPlanException($"job {job.JobId}: {job.Step.Scheme} step without a token count");
            if (job.Step.Scheme == DecodingScheme.MaskGit)
            {
                if (numSelect > remaining.Length)
                    throw new GenerationPlanException($"job {job.JobId}: MaskGIT step selects {numSelect} tokens but only {remaining.Length} of '{job.Step.TargetDomain}' are still masked");
                result[j] = DeviceArrays.Copy(remaining, device);
            }
            else roar.Add((j, Math.Min(numSelect, remaining.Length)));
        }
        if (roar.Count == 0) return result;

        // One argsort per target length over all ROAR jobs (rows sort independently).
        foreach (var group in roar.GroupBy(r => jobs[r.Job].State[jobs[r.Job].Step.TargetDomain].TargetMask.Length))
        {
            var members = group.ToList();
            int n = group.Key;
            var masks = new bool[members.Count * n];
            for (int i = 0; i < members.Count; i++)
                jobs[members[i].Job].State[jobs[members[i].Job].Step.TargetDomain].TargetMask.CopyTo(masks, i * n);
            var mask = DeviceArrays.Copy(masks, [members.Count, n], device);
            var noise = torch.stack(members.Select(m => randoms[m.Job].Rand(n)).ToArray(), 0).MulBy(1e-6);
            var order = mask.Plus(noise).argsort(dim: 1);
            // Every job's row in one host call; only jobs that keep fewer than the longest count need their own narrow.
            int longest = members.Max(m => m.Count);
            var rows = order.narrow(1, 0, longest).unbind(0);
            for (int i = 0; i < members.Count; i++)
                result[members[i].Job] = members[i].Count == longest ? rows[i] : rows[i].narrow(0, 0, members[i].Count);
        }
        return result;
    }

    /// <summary>
    /// The decoder inputs of the chosen positions, <c>mask_token + emb[position]</c>, per job: one embedding call per target
    /// modality and length and one gather for all jobs (elementwise work, so each job's rows equal computing it alone).
    /// </summary>
    public static Tensor[] Queries(Network.IGenerationNetwork network, IReadOnlyList<StepJob> jobs, IReadOnlyList<Tensor> positions)
    {
        var result = new Tensor[jobs.Count];
        var maskToken = network.MaskToken.reshape(1, -1);
        foreach (var group in Enumerable.Range(0, jobs.Count).GroupBy(j => (jobs[j].Step.TargetDomain, jobs[j].State[jobs[j].Step.TargetDomain].Tokens.Length)))
        {
            var members = group.ToArray();
            int n = group.Key.Length;
            var tokens = new long[members.Length * n];
            var masks = new bool[members.Length * n];
            for (int i = 0; i < members.Length; i++)
            {
                var target = jobs[members[i]].State[group.Key.TargetDomain];
                target.Tokens.CopyTo(tokens, i * n);
                target.TargetMask.CopyTo(masks, i * n);
            }
            var emb = network.DecoderPositionEmbeddings(group.Key.TargetDomain, tokens, masks, members.Length).reshape(-1, network.Dim);
            var index = members.Length == 1 ? positions[members[0]] : BlockIndex(members.Select(j => positions[j]).ToList(), n, network.Device);
            var queries = maskToken.Plus(emb.index_select(0, index));
            // One host call for every job's rows (a narrow per job makes one each).
            var perJob = members.Length == 1 ? [queries] : queries.split(members.Select(j => positions[j].shape[0]).ToArray());
            for (int i = 0; i < members.Length; i++) result[members[i]] = perJob[i];
        }
        return result;
    }

    /// <summary>
    /// Job i's positions index the i-th block of <paramref name="blockSize"/> rows: one offset add for all jobs (built on the
    /// host, where the counts are known) instead of one add per job.
    /// </summary>
    private static Tensor BlockIndex(IReadOnlyList<Tensor> positions, long blockSize, Device device)
    {
        var offsets = new long[positions.Sum(p => p.shape[0])];
        int at = 0;
        for (int i = 0; i < positions.Count; i++)
        {
            int count = (int)positions[i].shape[0];
            Array.Fill(offsets, i * blockSize, at, count);
            at += count;
        }
        return torch.cat(positions.ToArray(), 0).Plus(DeviceArrays.Copy(offsets, device));
    }

    /// <summary>
    /// Samples from each job's guided logits (K, V) and writes the chosen tokens into a copy of the job's sample (and of its
    /// weighted conditions). MaskGIT keeps the <c>num_tokens</c> samples of highest probability; ROAR keeps them all. All
    /// jobs' choices come back to the host in one copy; <paramref name="beforeReadback"/> runs just before it, while the device
    /// still works on the step.
    /// </summary>
    public static StepResult[] Complete(IReadOnlyList<StepJob> jobs, IReadOnlyList<Tensor> positions, IReadOnlyList<Tensor> logits, IReadOnlyList<JobRandom> randoms,
        Action? beforeReadback = null)
    {
        using var scope = NewDisposeScope();
        var sampled = RowSampler.Sample(jobs.Select((job, j) => new RowSampler.Rows(
            logits[j], job.Step.Temperature, TopK.FromSetting(job.Sampling.TopK), job.Sampling.TopP, randoms[j])).ToList());
        // Per job: the kept tokens, then their positions.
        var parts = new List<Tensor>();
        for (int j = 0; j < jobs.Count; j++)
        {
            var (samples, probabilities) = sampled[j];
            if (jobs[j].Step.Scheme == DecodingScheme.MaskGit)
            {
                var top = probabilities.unsqueeze(0).topk(jobs[j].Step.NumTokens!.Value, dim: -1).indexes.squeeze(0);
                parts.Add(samples.index_select(0, top));
                parts.Add(positions[j].index_select(0, top));
            }
            else
            {
                parts.Add(samples);
                parts.Add(positions[j]);
            }
        }
        var chosen = torch.cat(parts, 0);
        beforeReadback?.Invoke();
        var host = chosen.cpu().data<long>().ToArray();
        var results = new StepResult[jobs.Count];
        int at = 0;
        for (int j = 0; j < jobs.Count; j++)
        {
            var job = jobs[j];
            int count = job.Step.Scheme == DecodingScheme.MaskGit ? job.Step.NumTokens!.Value : (int)positions[j].shape[0];
            RowSampler.CheckDrawn(job.JobId, job.Step.TargetDomain, host.AsSpan(at, count));
            var chosenTokens = host.AsSpan(at, count).ToArray();
            var chosenPositions = host.AsSpan(at + count, count).ToArray();
            at += 2 * count;
            var state = Write(job.State, job.Step.TargetDomain, chosenPositions, chosenTokens);
            var conditions = job.Conditions?.Select(c => Write(c, job.Step.TargetDomain, chosenPositions, chosenTokens)).ToList();
            results[j] = new StepResult(job.JobId, state, chosenPositions.Length) { Conditions = conditions };
        }
        return results;
    }

    /// <summary>Unmasks the positions with their tokens: input mask false (now an input), target mask true (no longer predicted).</summary>
    public static SampleState Write(SampleState sample, string target, long[] positions, long[] tokens)
    {
        var copy = sample.Clone();
        var state = copy[target];
        for (int i = 0; i < positions.Length; i++)
        {
            state.Tokens[positions[i]] = tokens[i];
            state.InputMask[positions[i]] = false;
            state.TargetMask[positions[i]] = true;
        }
        return copy;
    }
}
