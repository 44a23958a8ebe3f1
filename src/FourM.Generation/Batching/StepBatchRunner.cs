using FourM.Generation.Modalities;
using FourM.Generation.Network;
using FourM.Generation.Sequences;
using FourM.Generation.Steps;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Runs one step of many unrelated jobs together: all guidance passes of all jobs share one padded encoder batch, all image
/// steps share one padded decoder batch, and all autoregressive steps decode in lockstep. Each job draws only from its own
/// generator (seeded with <see cref="StepJob.Seed"/>) in the reference's order, so its tokens are the same alone or batched,
/// and at batch 1 on CPU they equal the reference's.
/// </summary>
public sealed class StepBatchRunner : IEncoderDecoderRunner, ISequenceDecodeRunner
{
    private readonly IGenerationNetwork _network;
    private readonly ModalityCatalog _catalog;
    private readonly StepRunnerOptions _options;
    private readonly ContextStore _store = new();
    private readonly AutoregressiveStep _autoregressive;

    public StepBatchRunner(IGenerationNetwork network, ModalityCatalog? catalog = null, StepRunnerOptions? options = null, IReadOnlySet<int>? sentinelIds = null)
    {
        _network = network;
        _catalog = catalog ?? ModalityCatalog.Default;
        _options = options ?? new StepRunnerOptions();
        _autoregressive = new AutoregressiveStep(network, _catalog, _options, sentinelIds ?? TextTokenizerEncoder.Default.SentinelIds);
    }

    /// <summary>The network it runs (hosts read the loaded model's settings through it).</summary>
    public IGenerationNetwork Network => _network;

    /// <summary>The runner's exact speed-ups and diagnostics.</summary>
    public StepRunnerOptions Options => _options;

    private double PassCostTokens => _options.PassCostTokens ?? StepRunnerOptions.DefaultPassCostTokens(_network.Device, _network.Dim, _network.ReplaysEncoderPasses);

    /// <summary>Contexts currently held on the device (encoded, not yet decoded or released).</summary>
    public int PendingContexts => _store.Count;

    public IReadOnlyList<StepResult> RunBatch(IReadOnlyList<StepJob> jobs) => RunBatch(jobs, whileDeviceWorks: null);

    public IReadOnlyList<StepResult> RunBatch(IReadOnlyList<StepJob> jobs, Action? whileDeviceWorks)
    {
        var handles = EncodeBatch(jobs);
        var results = DecodeBatch(jobs.Zip(handles).ToList(), whileDeviceWorks);
        _options.Profile?.EndStep();
        return results;
    }

    public SequenceDecode StartSequences(IReadOnlyList<StepJob> jobs)
    {
        if (jobs.Any(j => j.Step.Scheme != DecodingScheme.Autoregressive))
            throw new ArgumentException("only autoregressive steps decode as sequences", nameof(jobs));
        var handles = EncodeBatch(jobs);
        try
        {
            using var inference = torch.inference_mode();
            return _autoregressive.Start(jobs.Zip(handles, (job, handle) => (job, _store.Get(handle))).ToList());
        }
        finally
        {
            // The decode keeps its own padded copies of the contexts.
            foreach (var handle in handles) _store.Release(handle);
        }
    }

    public IReadOnlyList<ContextHandle> EncodeBatch(IReadOnlyList<StepJob> jobs)
    {
        using var inference = torch.inference_mode();
        using var scope = NewDisposeScope();
        _options.Profile?.Start();
        foreach (var job in jobs) Validate(job);
        var passes = jobs.Select(j => GuidancePasses.Build(j, _catalog)).ToList();
        var flat = passes.SelectMany(p => p).ToList();
        var contexts = _options.BatchGuidancePasses
            ? EncodeInLengthGroups(flat)
            : flat.SelectMany(sample => EncoderPass.Encode(_network, [sample])).ToList();
        var handles = new List<ContextHandle>(jobs.Count);
        int offset = 0;
        foreach (var p in passes)
        {
            handles.Add(_store.Add(contexts.Skip(offset).Take(p.Count).ToList()));
            offset += p.Count;
        }
        _options.Profile?.Mark(StepProfile.Encoder);
        return handles;
    }

    public IReadOnlyList<StepResult> DecodeBatch(IReadOnlyList<(StepJob Job, ContextHandle Context)> work) => DecodeBatch(work, whileDeviceWorks: null);

    private IReadOnlyList<StepResult> DecodeBatch(IReadOnlyList<(StepJob Job, ContextHandle Context)> work, Action? whileDeviceWorks)
    {
        using var inference = torch.inference_mode();
        var results = new StepResult?[work.Count];
        try
        {
            using var scope = NewDisposeScope();
            var image = new List<int>();
            var sequence = new List<int>();
            for (int i = 0; i < work.Count; i++)
                (work[i].Job.Step.Scheme == DecodingScheme.Autoregressive ? sequence : image).Add(i);
            _options.Profile?.Start();
            DecodeImageSteps(work, image, results, whileDeviceWorks);
            if (sequence.Count > 0)
            {
                var arResults = _autoregressive.Run(sequence.Select(i => (work[i].Job, _store.Get(work[i].Context))).ToList());
                for (int k = 0; k < sequence.Count; k++) results[sequence[k]] = arResults[k];
                _options.Profile?.Mark(StepProfile.Autoregressive);
            }
        }
        finally
        {
            foreach (var (_, handle) in work) _store.Release(handle);
        }
        return results.Select(r => r!).ToList();
    }

    public byte[] ExportContext(ContextHandle handle)
    {
        var bytes = ContextSerializer.Export(_store.Get(handle));
        _store.Release(handle);
        return bytes;
    }

    public ContextHandle ImportContext(byte[] payload) =>
        _store.Add(ContextSerializer.Import(payload, _network.ComputeType, _network.Device));

    public void ReleaseContext(ContextHandle handle) => _store.Release(handle);

    /// <param name="beforeReadback">Runs once: before the sampled tokens come back to the host, or at once when no step needs the device.</param>
    private void DecodeImageSteps(IReadOnlyList<(StepJob Job, ContextHandle Context)> work, List<int> indices, StepResult?[] results, Action? beforeReadback)
    {
        var active = new List<int>();
        foreach (var i in indices)
        {
            var job = work[i].Job;
            if (job.Step.NumTokens == 0)
            {
                // A zero-token step (cosine schedules) changes nothing; the next step reseeds, so skipping it is exact.
                results[i] = new StepResult(job.JobId, job.State.Clone(), 0) { Conditions = job.Conditions?.Select(c => c.Clone()).ToList() };
                continue;
            }
            active.Add(i);
        }
        if (active.Count == 0)
        {
            beforeReadback?.Invoke();
            return;
        }
        active = InContextOrder(work, active);
        var jobs = active.Select(i => work[i].Job).ToList();
        var randoms = jobs.Select(job => JobRandom.Create(job.Seed, _network.Device)).ToList();
        try
        {
            var positions = ImageStep.SelectPositions(jobs, randoms, _network.Device);
            var jobQueries = ImageStep.Queries(_network, jobs, positions);
            var queries = new List<Tensor>();
            var contexts = new List<ContextSlice>();
            var rowCount = new int[jobs.Count];
            for (int j = 0; j < jobs.Count; j++)
            {
                var passContexts = _store.Get(work[active[j]].Context);
                rowCount[j] = passContexts.Count;
                foreach (var context in passContexts) { queries.Add(jobQueries[j]); contexts.Add(context); }
            }
            _options.Profile?.Mark(StepProfile.Host);
            var decoded = Decode(queries, contexts);
            _options.Profile?.Mark(StepProfile.Decoder);
            var guided = GuidedLogits(jobs, rowCount, decoded);
            _options.Profile?.Mark(StepProfile.Logits);
            for (int j = 0; j < jobs.Count; j++)
            {
                // Diagnostics only: the observer wants host positions, which costs a sync per job.
                _options.ImageLogitsObserver?.Invoke(jobs[j], positions[j].cpu().data<long>().ToArray(), guided[j]);
            }
            var completed = ImageStep.Complete(jobs, positions, guided, randoms, beforeReadback);
            for (int j = 0; j < jobs.Count; j++) results[active[j]] = completed[j];
            _options.Profile?.Mark(StepProfile.Sampling);
        }
        finally
        {
            foreach (var random in randoms) random.Dispose();
        }
    }

    /// <summary>
    /// The jobs ordered by where their contexts lie: jobs encoded together stay together, in their encoder pass's row order.
    /// A decoder pass over every row of an encoder pass, in order, then takes that pass's padded output as it is
    /// (<see cref="ContextSlices"/>); the order of independent rows changes nothing else.
    /// </summary>
    private List<int> InContextOrder(IReadOnlyList<(StepJob Job, ContextHandle Context)> work, List<int> jobs)
    {
        var first = jobs.ToDictionary(i => i, i => _store.Get(work[i].Context)[0]);
        var blockRank = new Dictionary<ContextBlock, int>();
        foreach (var i in jobs) blockRank.TryAdd(first[i].Block, blockRank.Count);
        return jobs.OrderBy(i => blockRank[first[i].Block]).ThenBy(i => first[i].Offset).ToList();
    }

    /// <summary>
    /// One padded encoder pass per group of rows of similar length (<see cref="LengthGroups"/>), or one packed pass for all
    /// rows: packed GEMMs do no work on padding, so only attention is split into the same length groups, inside the pass.
    /// </summary>
    private IReadOnlyList<ContextSlice> EncodeInLengthGroups(IReadOnlyList<SampleState> samples)
    {
        var lengths = samples.Select(sample => EncoderInputBatch.InputLength(_network, sample)).ToList();
        if (_network.PacksEncoderTokens)
        {
            _options.Profile?.CountPass(StepProfile.Encoder, samples.Count, lengths.Sum(), lengths.Sum());
            return EncoderPass.Encode(_network, samples, PassCostTokens);
        }
        return LengthGroups.Run(lengths, PassCostTokens, rows =>
        {
            _options.Profile?.CountPass(StepProfile.Encoder, rows.Length, rows.Sum(i => lengths[i]), rows.Length * rows.Max(i => lengths[i]));
            return EncoderPass.Encode(_network, rows.Select(i => samples[i]).ToList());
        });
    }

    /// <summary>
    /// One padded decoder pass per group of rows of similar query count (<see cref="LengthGroups"/>), or one pass per row when
    /// guidance passes are not batched.
    /// </summary>
    private DecodedRows Decode(IReadOnlyList<Tensor> queries, IReadOnlyList<ContextSlice> contexts)
    {
        var lengths = queries.Select(q => q.shape[0]).ToList();
        var decoded = new DecodedRows(lengths);
        var groups = _options.BatchGuidancePasses
            ? LengthGroups.Split(lengths, PassCostTokens)
            : Enumerable.Range(0, queries.Count).Select(r => new[] { r }).ToList();
        foreach (var rows in groups)
        {
            if (_options.Profile is { } profile)
            {
                profile.CountPass(StepProfile.DecoderQueries, rows.Length, rows.Sum(i => lengths[i]), rows.Length * rows.Max(i => lengths[i]));
                profile.CountPass(StepProfile.DecoderContext, rows.Length, rows.Sum(i => contexts[i].Length), rows.Length * rows.Max(i => contexts[i].Length));
            }
            decoded.Add(DecoderRows.DecodePadded(_network, rows.Select(i => queries[i]).ToList(), rows.Select(i => contexts[i]).ToList()), rows);
        }
        return decoded;
    }

    /// <summary>
    /// The guided float32 logits (K, V) of each job. Jobs with the same target, pass count, row count and guidance share one
    /// logits-head call and one elementwise combination (in a mixed batch: the sessions at the same kind of step); a group
    /// with weighted conditions combines job by job.
    /// </summary>
    private Tensor[] GuidedLogits(List<StepJob> jobs, int[] passCounts, DecodedRows decoded)
    {
        var firstRow = new int[jobs.Count];
        for (int j = 1; j < jobs.Count; j++) firstRow[j] = firstRow[j - 1] + passCounts[j - 1];
        var result = new Tensor[jobs.Count];
        var groups = Enumerable.Range(0, jobs.Count).GroupBy(j => (
            Target: jobs[j].Step.TargetDomain, Passes: passCounts[j], Rows: decoded.Lengths[firstRow[j]],
            Weighted: GuidancePasses.IsMultiCondition(jobs[j]), Scales: string.Join(',', jobs[j].Step.CfgScales)));
        foreach (var group in groups)
        {
            var members = group.ToArray();
            var (target, passes, rows, _, _) = group.Key;
            var logits = _network.Logits(target, decoded.Rows(members.SelectMany(j => Enumerable.Range(firstRow[j], passes)).ToList()));
            _options.Profile?.CountPass(StepProfile.Logits, members.Length * passes, members.Length * passes * rows, members.Length * passes * rows);
            if (GuidancePasses.CombineUniform(members.Select(j => jobs[j]).ToList(), logits, passes, rows) is { } uniform)
            {
                // One host call for every job's view (indexing makes one each).
                var perJob = uniform.unbind(0);
                for (int k = 0; k < members.Length; k++) result[members[k]] = perJob[k];
                continue;
            }
            for (int k = 0; k < members.Length; k++)
                result[members[k]] = GuidancePasses.Combine(jobs[members[k]],
                    Enumerable.Range(0, passes).Select(p => logits.narrow(0, (k * passes + p) * rows, rows)).ToList());
        }
        return result;
    }

    private void Validate(StepJob job)
    {
        var target = job.Step.TargetDomain;
        if (!job.State.Contains(target)) throw new GenerationPlanException($"job {job.JobId}: target '{target}' is not in the sample");
        if (!_network.HasDecoderOutput(target)) throw new GenerationPlanException($"job {job.JobId}: the model cannot generate '{target}'");
        var kind = _catalog[target].Kind;
        if (job.Step.Scheme == DecodingScheme.Autoregressive ? kind != ModalityKind.Sequence : kind != ModalityKind.Image)
            throw new GenerationPlanException($"job {job.JobId}: {job.Step.Scheme} cannot decode '{target}' ({kind})");
    }
}
