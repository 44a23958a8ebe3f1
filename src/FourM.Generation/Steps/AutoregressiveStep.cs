using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Network;
using FourM.Generation.Sequences;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Steps;

/// <summary>
/// Autoregressive decoding of sequence targets (the reference's <c>*autoregressive_step_batched</c>) for several jobs in
/// lockstep. Each job starts from its first target token (<c>[S_1]</c>), stops after its last target token (<c>[S_2]</c> for an
/// empty target, <c>[EOS]</c> for a text block) or after <c>min(target slots, max_tokens)</c> tokens, and is merged back into its
/// input with <see cref="SpanMerge"/>. Tokens are sampled on the device from each job's own generator; the host only looks at
/// them every few tokens to see whether every job has finished. <see cref="Start"/> returns the decode to advance token by
/// token (<see cref="SequenceDecode"/>); <see cref="Run"/> runs it to the end at once.
/// </summary>
public sealed class AutoregressiveStep(IGenerationNetwork network, ModalityCatalog catalog, StepRunnerOptions options, IReadOnlySet<int> sentinelIds)
{
    /// <param name="work">Each job with its pass contexts (conditional first, unconditional last when guided).</param>
    public IReadOnlyList<StepResult> Run(IReadOnlyList<(StepJob Job, IReadOnlyList<ContextSlice> Contexts)> work)
    {
        using var decode = Start(work);
        while (!decode.Done)
        {
            decode.IssueToken();
            if (decode.CheckDue) decode.CheckEnded();
        }
        return decode.Finish();
    }

    /// <summary>Prepares the decode of <paramref name="work"/>: no token is drawn yet. The contexts may be released afterwards.</summary>
    /// <param name="work">Each job with its pass contexts (conditional first, unconditional last when guided).</param>
    public SequenceDecode Start(IReadOnlyList<(StepJob Job, IReadOnlyList<ContextSlice> Contexts)> work)
    {
        using var scope = NewDisposeScope();
        var decodings = new List<SequenceJob>();
        var contexts = new List<ContextSlice>();
        List<SequenceGroup>? groups = null;
        AutoregressiveInputs? inputs = null;
        try
        {
            foreach (var (job, jobContexts) in work)
            {
                var target = job.State[job.Step.TargetDomain];
                var positions = EncoderPass.ValidPositions(target.TargetMask);
                if (positions.Length == 0) throw new GenerationPlanException($"job {job.JobId}: sequence target '{job.Step.TargetDomain}' has no target slots");
                int budget = Math.Min(positions.Length, catalog[job.Step.TargetDomain].MaxTokens);
                if (job.MaxNewTokens is { } cap) budget = Math.Min(budget, cap);
                var emb = network.DecoderPositionEmbedding(target).index_select(0, DeviceArrays.Copy(positions, network.Device)).narrow(0, 0, budget);
                long start = target.Tokens[positions[0]], end = target.Tokens[positions[^1]];
                decodings.Add(new SequenceJob
                {
                    Job = job, Random = JobRandom.Create(job.Seed, network.Device), PositionEmbeddings = emb,
                    Start = start, End = end, Budget = budget, FirstPass = contexts.Count, PassCount = jobContexts.Count,
                    // The reference returns early (and breaks its own contract) when the start token already ends the sequence.
                    Finished = start == end,
                });
                contexts.AddRange(jobContexts);
            }
            groups = BuildGroups(contexts, decodings.Max(d => d.Budget));
            inputs = new AutoregressiveInputs(network, decodings.Select(d => new AutoregressiveInputs.Job(d.Job.Step.TargetDomain, d.PositionEmbeddings, d.Budget, d.PassCount)).ToList());
            var first = DeviceArrays.Copy(decodings.Select(d => d.Start).ToArray(), network.Device).DetachFromDisposeScope();
            return new SequenceDecode(network, options, sentinelIds, decodings, groups, inputs, first);
        }
        catch
        {
            inputs?.Dispose();
            foreach (var g in groups ?? []) g.Decoder.Dispose();
            foreach (var d in decodings) d.Random.Dispose();
            throw;
        }
    }

    private List<SequenceGroup> BuildGroups(List<ContextSlice> contexts, int maxLength)
    {
        var groups = new List<SequenceGroup>();
        var partitions = options.BatchGuidancePasses ? [Enumerable.Range(0, contexts.Count).ToArray()] : Enumerable.Range(0, contexts.Count).Select(i => new[] { i }).ToList();
        foreach (var rows in partitions)
        {
            var (context, lengths) = ContextSlices.Pad(rows.Select(r => contexts[r]).ToList(), network);
            context.DetachFromDisposeScope();
            var padding = EncoderPass.PaddingMask(lengths, context.shape[1], network.Device)?.DetachFromDisposeScope();
            var decoder = (options.UseKvCache ? network.StartIncrementalDecoder(context, padding, maxLength, options.AutoregressiveDecoding) : null)
                          ?? new RecomputingIncrementalDecoder(network, context, padding);
            groups.Add(new SequenceGroup(rows, new OwningDecoder(decoder, context, padding)));
        }
        return groups;
    }


}
