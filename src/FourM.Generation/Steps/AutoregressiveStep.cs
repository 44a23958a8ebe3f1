using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Network;
using FourM.Generation.Sampling;
using FourM.Generation.Sequences;
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
        public required Generator Generator;
        public required Tensor PositionEmbeddings;   // (L, D): decoder emb of the target positions, L = decode budget
        public required long Start;
        public required long End;
        public required int Budget;
        public required int FirstPass;                // index of this job's first pass row
        public required int PassCount;
        public readonly List<Tensor> Generated = new();
        public bool Finished;
    }

    /// <param name="work">Each job with its pass contexts (conditional first, unconditional last when guided).</param>
    public IReadOnlyList<StepResult> Run(IReadOnlyList<(StepJob Job, IReadOnlyList<Tensor> Contexts)> work)
    {
        using var scope = NewDisposeScope();
        var decodings = new List<JobDecoding>();
        var contexts = new List<Tensor>();
        foreach (var (job, jobContexts) in work)
        {
            var target = job.State[job.Step.TargetDomain];
            var positions = EncoderPass.ValidPositions(target.TargetMask);
            if (positions.Length == 0) throw new GenerationPlanException($"job {job.JobId}: sequence target '{job.Step.TargetDomain}' has no target slots");
            int budget = Math.Min(positions.Length, catalog[job.Step.TargetDomain].MaxTokens);
            if (job.MaxNewTokens is { } cap) budget = Math.Min(budget, cap);
            var emb = network.DecoderPositionEmbedding(target).index_select(0, torch.tensor(positions, device: network.Device)).narrow(0, 0, budget);
            long start = target.Tokens[positions[0]], end = target.Tokens[positions[^1]];
            decodings.Add(new JobDecoding
            {
                Job = job, Generator = JobRandom.Create(job.Seed, network.Device), PositionEmbeddings = emb,
                Start = start, End = end, Budget = budget, FirstPass = contexts.Count, PassCount = jobContexts.Count,
                // The reference returns early (and breaks its own contract) when the start token already ends the sequence.
                Finished = start == end,
            });
            contexts.AddRange(jobContexts);
        }

        var groups = BuildGroups(contexts);
        try
        {
            var last = decodings.Select(d => torch.tensor(new[] { d.Start }, device: network.Device)).ToList();
            int longest = decodings.Max(d => d.Budget);
            for (int t = 0; t < longest && decodings.Any(d => !d.Finished); t++)
            {
                using var tokenScope = NewDisposeScope();
                var rows = new Tensor[contexts.Count];
                foreach (var d in decodings)
                {
                    var token = network.DecoderTokenEmbedding(d.Job.Step.TargetDomain, last[decodings.IndexOf(d)]);   // (1, D)
                    var y = token + d.PositionEmbeddings[Math.Min(t, d.Budget - 1)].unsqueeze(0);
                    for (int p = 0; p < d.PassCount; p++) rows[d.FirstPass + p] = y;
                }
                var outputs = StepGroups(groups, rows);
                var rowLogits = LogitsByTarget(decodings.Where(d => !d.Finished && t < d.Budget).ToList(), outputs);
                for (int j = 0; j < decodings.Count; j++)
                {
                    var d = decodings[j];
                    if (d.Finished || t >= d.Budget) continue;
                    var passLogits = Enumerable.Range(d.FirstPass, d.PassCount).Select(p => rowLogits[p]).ToList();
                    var logits = GuidancePasses.Combine(d.Job, passLogits);
                    options.TokenLogitsObserver?.Invoke(d.Job, t, logits);
                    var next = SampleNext(d.Job, logits, d.Generator);
                    d.Generated.Add(next.DetachFromDisposeScope());
                    last[j] = next;
                    if (d.Generated.Count >= d.Budget) d.Finished = true;
                }
                if ((t + 1) % Math.Max(1, options.EndOfSequenceCheckInterval) == 0) MarkEnded(decodings);
            }
            return decodings.Select(Merge).ToList();
        }
        finally
        {
            foreach (var g in groups) g.Decoder.Dispose();
            foreach (var d in decodings) foreach (var t in d.Generated) t.Dispose();
        }
    }

    /// <summary>One logits-head call per target over the rows of all unfinished jobs (each row (1, D) → (1, V)).</summary>
    private Dictionary<int, Tensor> LogitsByTarget(List<JobDecoding> active, Tensor[] outputs)
    {
        var result = new Dictionary<int, Tensor>();
        foreach (var group in active.GroupBy(d => d.Job.Step.TargetDomain))
        {
            var rows = group.SelectMany(d => Enumerable.Range(d.FirstPass, d.PassCount)).ToArray();
            var logits = network.Logits(group.Key, torch.cat(rows.Select(r => outputs[r]).ToArray(), 0));
            for (int i = 0; i < rows.Length; i++) result[rows[i]] = logits.narrow(0, i, 1);
        }
        return result;
    }

    private static Tensor SampleNext(StepJob job, Tensor logits, Generator generator)
    {
        if (TokenSampler.IsGreedy(job.Step.Temperature)) return logits.argmax(-1);
        var filtered = LogitFilter.Apply(logits, TopK.FromSetting(job.Sampling.TopK), job.Sampling.TopP);
        var probs = (filtered / job.Step.Temperature).softmax(-1);
        return torch.multinomial(probs, 1, generator: generator).squeeze(-1);
    }

    /// <summary>One host sync: marks jobs whose output contains their end token.</summary>
    private static void MarkEnded(List<JobDecoding> decodings)
    {
        foreach (var d in decodings)
        {
            if (d.Finished || d.Generated.Count == 0) continue;
            using var all = torch.cat(d.Generated, 0);
            using var ended = all.eq(d.End).any();
            if (ended.item<bool>()) d.Finished = true;
        }
    }

    private StepResult Merge(JobDecoding d)
    {
        var generated = d.Generated.Count == 0 ? Array.Empty<long>() : torch.cat(d.Generated, 0).cpu().data<long>().ToArray();
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

    private List<Group> BuildGroups(List<Tensor> contexts)
    {
        var groups = new List<Group>();
        var partitions = options.BatchGuidancePasses ? [Enumerable.Range(0, contexts.Count).ToArray()] : Enumerable.Range(0, contexts.Count).Select(i => new[] { i }).ToList();
        foreach (var rows in partitions)
        {
            var lengths = rows.Select(r => contexts[r].shape[0]).ToArray();
            long max = lengths.Max();
            var context = EncoderPass.Pad(rows.Select(r => contexts[r]).ToList(), max, network).DetachFromDisposeScope();
            var padding = EncoderPass.PaddingMask(lengths, max, network.Device).DetachFromDisposeScope();
            var decoder = (options.UseKvCache ? network.StartIncrementalDecoder(context, padding) : null)
                          ?? new RecomputingIncrementalDecoder(network, context, padding);
            groups.Add(new Group(rows, new OwningDecoder(decoder, context, padding)));
        }
        return groups;
    }

    private static Tensor[] StepGroups(List<Group> groups, Tensor[] rows)
    {
        var outputs = new Tensor[rows.Length];
        foreach (var g in groups)
        {
            var input = torch.stack(g.Rows.Select(r => rows[r]).ToArray(), 0);   // (P, 1, D)
            var output = g.Decoder.Step(input);
            for (int i = 0; i < g.Rows.Length; i++) outputs[g.Rows[i]] = output[i];   // (1, D)
        }
        return outputs;
    }

    /// <summary>Keeps the padded context alive exactly as long as its decoder.</summary>
    private sealed class OwningDecoder(IIncrementalDecoder inner, Tensor context, Tensor padding) : IIncrementalDecoder
    {
        public Tensor Step(Tensor next) => inner.Step(next);
        public void Dispose() { inner.Dispose(); context.Dispose(); padding.Dispose(); }
    }
}
