using FourM.Generation.Batching;
using FourM.Generation.Sampling;
using TorchSharp;
using static TorchSharp.torch;

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
    public static long[][] SelectPositions(IReadOnlyList<StepJob> jobs, IReadOnlyList<JobRandom> randoms, Device device)
    {
        var result = new long[jobs.Count][];
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
                result[j] = remaining;
            }
            else roar.Add((j, Math.Min(numSelect, remaining.Length)));
        }
        if (roar.Count == 0) return result;

        // One argsort per target length over all ROAR jobs (rows sort independently), one device→host copy for all of them.
        using var scope = NewDisposeScope();
        var orders = new List<Tensor>();
        var layout = new List<(int Job, int Count, long Offset)>();
        long offset = 0;
        foreach (var group in roar.GroupBy(r => jobs[r.Job].State[jobs[r.Job].Step.TargetDomain].TargetMask.Length))
        {
            var members = group.ToList();
            int n = group.Key, widest = members.Max(m => m.Count);
            var masks = new bool[members.Count * n];
            for (int i = 0; i < members.Count; i++)
                jobs[members[i].Job].State[jobs[members[i].Job].Step.TargetDomain].TargetMask.CopyTo(masks, i * n);
            var mask = torch.tensor(masks, [members.Count, n], device: device);
            var noise = torch.stack(members.Select(m => randoms[m.Job].Rand(n)).ToArray(), 0) * 1e-6;
            orders.Add((mask + noise).argsort(dim: 1).narrow(1, 0, widest).reshape(-1));
            for (int i = 0; i < members.Count; i++) layout.Add((members[i].Job, members[i].Count, offset + (long)i * widest));
            offset += (long)members.Count * widest;
        }
        var all = (orders.Count == 1 ? orders[0] : torch.cat(orders, 0)).cpu().data<long>().ToArray();
        foreach (var (job, count, start) in layout) result[job] = all.AsSpan((int)start, count).ToArray();
        return result;
    }

    /// <summary>
    /// The decoder inputs of the chosen positions, <c>mask_token + emb[position]</c>, per job: one embedding call per target
    /// modality and length and one gather for all jobs (elementwise work, so each job's rows equal computing it alone).
    /// </summary>
    public static Tensor[] Queries(Network.IGenerationNetwork network, IReadOnlyList<StepJob> jobs, IReadOnlyList<long[]> positions)
    {
        var result = new Tensor[jobs.Count];
        var maskToken = network.MaskToken.reshape(1, -1);
        foreach (var group in Enumerable.Range(0, jobs.Count).GroupBy(j => (jobs[j].Step.TargetDomain, jobs[j].State[jobs[j].Step.TargetDomain].Tokens.Length)))
        {
            var members = group.ToArray();
            int n = group.Key.Length;
            var tokens = new long[members.Length * n];
            var masks = new bool[members.Length * n];
            var index = new long[members.Sum(j => positions[j].Length)];
            int at = 0;
            for (int i = 0; i < members.Length; i++)
            {
                var target = jobs[members[i]].State[group.Key.TargetDomain];
                target.Tokens.CopyTo(tokens, i * n);
                target.TargetMask.CopyTo(masks, i * n);
                foreach (var p in positions[members[i]]) index[at++] = (long)i * n + p;
            }
            var emb = network.DecoderPositionEmbeddings(group.Key.TargetDomain, tokens, masks, members.Length).reshape(-1, network.Dim);
            var queries = maskToken + emb.index_select(0, torch.tensor(index, device: network.Device));
            long offset = 0;
            foreach (var j in members)
            {
                result[j] = queries.narrow(0, offset, positions[j].Length);
                offset += positions[j].Length;
            }
        }
        return result;
    }

    /// <summary>
    /// Samples from each job's guided logits (K, V) and writes the chosen tokens into a copy of the job's sample (and of its
    /// weighted conditions). MaskGIT keeps the <c>num_tokens</c> samples of highest probability; ROAR keeps them all. All
    /// jobs' choices come back to the host in one copy.
    /// </summary>
    public static StepResult[] Complete(IReadOnlyList<StepJob> jobs, IReadOnlyList<long[]> positions, IReadOnlyList<Tensor> logits, IReadOnlyList<JobRandom> randoms)
    {
        using var scope = NewDisposeScope();
        var sampled = RowSampler.Sample(jobs.Select((job, j) => new RowSampler.Rows(
            logits[j], job.Step.Temperature, TopK.FromSetting(job.Sampling.TopK), job.Sampling.TopP, randoms[j])).ToList());
        // Per job: the kept tokens, then (MaskGIT) which decoded rows they came from.
        var parts = new List<Tensor>();
        for (int j = 0; j < jobs.Count; j++)
        {
            var (samples, probabilities) = sampled[j];
            if (jobs[j].Step.Scheme == DecodingScheme.MaskGit)
            {
                var top = probabilities.unsqueeze(0).topk(jobs[j].Step.NumTokens!.Value, dim: -1).indexes.squeeze(0);
                parts.Add(samples.index_select(0, top));
                parts.Add(top);
            }
            else parts.Add(samples);
        }
        var host = torch.cat(parts, 0).cpu().data<long>().ToArray();
        var results = new StepResult[jobs.Count];
        int at = 0;
        for (int j = 0; j < jobs.Count; j++)
        {
            var job = jobs[j];
            long[] chosenTokens, chosenPositions;
            if (job.Step.Scheme == DecodingScheme.MaskGit)
            {
                int count = job.Step.NumTokens!.Value;
                chosenTokens = host.AsSpan(at, count).ToArray();
                chosenPositions = host.AsSpan(at + count, count).ToArray().Select(i => positions[j][i]).ToArray();
                at += 2 * count;
            }
            else
            {
                chosenTokens = host.AsSpan(at, positions[j].Length).ToArray();
                chosenPositions = positions[j];
                at += positions[j].Length;
            }
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
