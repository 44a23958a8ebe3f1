using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Network;
using FourM.Generation.Sampling;
using FourM.Generation.Sequences;
using FourM.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Steps;

/// <summary>
/// Autoregressive decoding of sequence targets (the reference's <c>*autoregressive_step_batched</c>) for several jobs in
/// lockstep. Each job starts from its first target token (<c>[S_1]</c>), stops after its last target token (<c>[S_2]</c> for an
/// empty target, <c>[EOS]</c> for a text block) or after <c>min(target slots, max_tokens)</c> tokens, and is merged back into its
/// input with <see cref="SpanMerge"/>. Tokens are sampled on the device from each job's own generator; the host only looks at
/// them every few tokens to see whether every job has finished.
/// </summary>
public sealed class AutoregressiveStep(IGenerationNetwork network, ModalityCatalog catalog, StepRunnerOptions options, IReadOnlySet<int> sentinelIds)
{
    private sealed class JobDecoding
    {
        public required StepJob Job;
        public required JobRandom Random;
        public required Tensor PositionEmbeddings;   // (L, D): decoder emb of the target positions, L = decode budget
        public required long Start;
        public required long End;
        public required int Budget;
        public required int FirstPass;                // index of this job's first pass row
        public required int PassCount;
        public readonly List<long> Generated = new(); // host copy, filled at each end-of-sequence check
        public int Drawn;                              // tokens sampled so far (on the device, not all copied yet)
        public bool Finished;
    }

    /// <param name="work">Each job with its pass contexts (conditional first, unconditional last when guided).</param>
    public IReadOnlyList<StepResult> Run(IReadOnlyList<(StepJob Job, IReadOnlyList<ContextSlice> Contexts)> work)
    {
        using var scope = NewDisposeScope();
        var decodings = new List<JobDecoding>();
        var contexts = new List<ContextSlice>();
        foreach (var (job, jobContexts) in work)
        {
            var target = job.State[job.Step.TargetDomain];
            var positions = EncoderPass.ValidPositions(target.TargetMask);
            if (positions.Length == 0) throw new GenerationPlanException($"job {job.JobId}: sequence target '{job.Step.TargetDomain}' has no target slots");
            int budget = Math.Min(positions.Length, catalog[job.Step.TargetDomain].MaxTokens);
            if (job.MaxNewTokens is { } cap) budget = Math.Min(budget, cap);
            var emb = network.DecoderPositionEmbedding(target).index_select(0, DeviceArrays.Copy(positions, network.Device)).narrow(0, 0, budget);
            long start = target.Tokens[positions[0]], end = target.Tokens[positions[^1]];
            decodings.Add(new JobDecoding
            {
                Job = job, Random = JobRandom.Create(job.Seed, network.Device), PositionEmbeddings = emb,
                Start = start, End = end, Budget = budget, FirstPass = contexts.Count, PassCount = jobContexts.Count,
                // The reference returns early (and breaks its own contract) when the start token already ends the sequence.
                Finished = start == end,
            });
            contexts.AddRange(jobContexts);
        }

        int longest = decodings.Max(d => d.Budget);
        var groups = BuildGroups(contexts, longest);
        var inputs = new AutoregressiveInputs(network, decodings.Select(d => new AutoregressiveInputs.Job(d.Job.Step.TargetDomain, d.PositionEmbeddings, d.Budget, d.PassCount)).ToList());
        var pending = new List<(Tensor Tokens, bool[] Drawn)>();   // per decoded token: every job's last id, and who drew one
        try
        {
            var last = DeviceArrays.Copy(decodings.Select(d => d.Start).ToArray(), network.Device);
            int t = 0;
            for (; t < longest && decodings.Any(d => !d.Finished); t++)
            {
                using var tokenScope = NewDisposeScope();
                // A NaN row's id is −1 until the next host check fails its job; it must not reach the embedding (on a GPU, a
                // device-side assert that would take every session on the device down with it).
                var rows = inputs.Rows(network.Device.type == DeviceType.CPU ? last : last.ClampMin(0L), t);   // (R, D): each job's input, once per pass row
                var outputs = StepGroups(groups, rows);
                var active = Enumerable.Range(0, decodings.Count).Where(j => !decodings[j].Finished && t < decodings[j].Budget).ToArray();
                var guided = GuidedLogits(decodings, active, outputs);
                for (int a = 0; a < active.Length; a++) options.TokenLogitsObserver?.Invoke(decodings[active[a]].Job, t, guided[a]);
                var sampled = RowSampler.Sample(active.Select((j, a) => new RowSampler.Rows(guided[a], decodings[j].Job.Step.Temperature,
                    TopK.FromSetting(decodings[j].Job.Sampling.TopK), decodings[j].Job.Sampling.TopP, decodings[j].Random)).ToList());
                var next = torch.cat(sampled.Select(s => s.Samples).ToArray(), 0);
                last = active.Length == decodings.Count
                    ? next
                    : last.index_copy(0, DeviceArrays.Copy(active.Select(j => (long)j).ToArray(), network.Device), next);
                last = last.MoveToOuterDisposeScope();
                var drawn = new bool[decodings.Count];
                foreach (var j in active)
                {
                    drawn[j] = true;
                    if (++decodings[j].Drawn >= decodings[j].Budget) decodings[j].Finished = true;
                }
                pending.Add((last, drawn));
                if ((t + 1) % Math.Max(1, options.EndOfSequenceCheckInterval) == 0) CopyGenerated(decodings, pending, markEnded: true);
            }
            CopyGenerated(decodings, pending, markEnded: false);
            options.Profile?.CountPass(StepProfile.Autoregressive, contexts.Count, decodings.Sum(d => (long)d.Drawn * d.PassCount), (long)t * contexts.Count);
            return decodings.Select(Merge).ToList();
        }
        finally
        {
            foreach (var g in groups) g.Decoder.Dispose();
            foreach (var d in decodings) d.Random.Dispose();
        }
    }

    /// <summary>
    /// The guided float32 logits (1, V) of each active job. Jobs of the same target, pass count and guidance scale share one
    /// logits-head call over all their rows and one elementwise guidance combination (row-wise, so equal to combining alone).
    /// </summary>
    private Tensor[] GuidedLogits(List<JobDecoding> decodings, int[] active, DecodedRows outputs)
    {
        var result = new Tensor[active.Length];
        foreach (var group in active.Select((j, a) => (Job: j, Active: a)).GroupBy(x => decodings[x.Job].Job.Step.TargetDomain))
        {
            var members = group.ToArray();
            var rowIndex = members.SelectMany(m => Enumerable.Range(decodings[m.Job].FirstPass, decodings[m.Job].PassCount)).ToArray();
            var logits = network.Logits(group.Key, outputs.Rows(rowIndex));   // (rows, V)
            var passes = decodings[members[0].Job].PassCount;
            var uniform = members.All(m => decodings[m.Job].PassCount == passes)
                ? GuidancePasses.CombineUniform(members.Select(m => decodings[m.Job].Job).ToList(), logits, passes, 1)
                : null;
            if (uniform is not null)
            {
                for (int i = 0; i < members.Length; i++) result[members[i].Active] = uniform[i];   // (1, V)
                continue;
            }
            int row = 0;
            foreach (var m in members)
            {
                var d = decodings[m.Job];
                result[m.Active] = GuidancePasses.Combine(d.Job, Enumerable.Range(row, d.PassCount).Select(r => logits.narrow(0, r, 1)).ToList());
                row += d.PassCount;
            }
        }
        return result;
    }

    /// <summary>
    /// One device→host copy of every token drawn since the last copy; with <paramref name="markEnded"/>, marks jobs whose
    /// output now contains their end token.
    /// </summary>
    private static void CopyGenerated(List<JobDecoding> decodings, List<(Tensor Tokens, bool[] Drawn)> pending, bool markEnded)
    {
        if (pending.Count == 0) return;
        var host = torch.stack(pending.Select(p => p.Tokens).ToArray(), 0).cpu().data<long>().ToArray();
        for (int t = 0; t < pending.Count; t++)
            for (int j = 0; j < decodings.Count; j++)
                if (pending[t].Drawn[j])
                {
                    var id = host[t * decodings.Count + j];
                    RowSampler.CheckDrawn(decodings[j].Job.JobId, decodings[j].Job.Step.TargetDomain, [id]);
                    decodings[j].Generated.Add(id);
                }
        pending.Clear();
        if (!markEnded) return;
        foreach (var d in decodings)
            if (!d.Finished && d.Generated.Contains(d.End)) d.Finished = true;
    }

    private StepResult Merge(JobDecoding d)
    {
        var generated = d.Generated.ToArray();
        int end = Array.IndexOf(generated, d.End);
        if (end >= 0) generated = generated[..(end + 1)];
        var output = new long[generated.Length + 1];
        output[0] = d.Start;
        generated.CopyTo(output, 1);

        var target = d.Job.State[d.Job.Step.TargetDomain];
        var input = target.Tokens.Where((_, i) => !target.InputMask[i]).ToList();
        if (input.Count == 0) input.Add(SpecialTokens.FirstSentinel);
        var merged = SpanMerge.Merge(input, output, sentinelIds);
        var state = d.Job.State.Clone();
        int index = state.Modalities.FindIndex(m => m.Modality == target.Modality);
        // The reference copies the (all false) input mask into target_mask here; kept so states compare equal.
        state.Modalities[index] = new ModalityState
        {
            Modality = target.Modality,
            Tokens = merged,
            InputMask = new bool[merged.Length],
            TargetMask = new bool[merged.Length],
            DecoderAttentionMask = new int[merged.Length],
        };
        return new StepResult(d.Job.JobId, state, generated.Length) { GeneratedSequence = output };
    }

    private sealed record Group(int[] Rows, IIncrementalDecoder Decoder);

    private List<Group> BuildGroups(List<ContextSlice> contexts, int maxLength)
    {
        var groups = new List<Group>();
        var partitions = options.BatchGuidancePasses ? [Enumerable.Range(0, contexts.Count).ToArray()] : Enumerable.Range(0, contexts.Count).Select(i => new[] { i }).ToList();
        foreach (var rows in partitions)
        {
            var (context, lengths) = ContextSlices.Pad(rows.Select(r => contexts[r]).ToList(), network);
            context.DetachFromDisposeScope();
            var padding = EncoderPass.PaddingMask(lengths, context.shape[1], network.Device)?.DetachFromDisposeScope();
            var decoder = (options.UseKvCache ? network.StartIncrementalDecoder(context, padding, maxLength, options.AutoregressiveDecoding) : null)
                          ?? new RecomputingIncrementalDecoder(network, context, padding);
            groups.Add(new Group(rows, new OwningDecoder(decoder, context, padding)));
        }
        return groups;
    }

    /// <param name="rows">(R, D): every pass row's input.</param>
    /// <returns>
    /// Every pass row's output, kept as its group's (P, 1, D) block: the logits heads take their rows as one view when they
    /// are consecutive rows of one group (always, with batched guidance passes), else one gather, instead of one view per row
    /// and a concatenation every token.
    /// </returns>
    private static DecodedRows StepGroups(List<Group> groups, Tensor rows)
    {
        var outputs = new DecodedRows(Enumerable.Repeat(1L, (int)rows.shape[0]).ToList());
        foreach (var g in groups)
        {
            var input = g.Rows.Length == rows.shape[0] ? rows.unsqueeze(1)   // one group of every row, in order (BuildGroups)
                : g.Rows.Length == 1 ? rows.narrow(0, g.Rows[0], 1).unsqueeze(1)
                : rows.index_select(0, DeviceArrays.Copy(g.Rows.Select(r => (long)r).ToArray(), rows.device)).unsqueeze(1);   // (P, 1, D)
            outputs.Add(g.Decoder.Step(input), g.Rows);
        }
        return outputs;
    }

    /// <summary>Keeps the padded context alive exactly as long as its decoder.</summary>
    private sealed class OwningDecoder(IIncrementalDecoder inner, Tensor context, Tensor? padding) : IIncrementalDecoder
    {
        public Tensor Step(Tensor next) => inner.Step(next);
        public void Dispose() { inner.Dispose(); context.Dispose(); padding?.Dispose(); }
    }
}
