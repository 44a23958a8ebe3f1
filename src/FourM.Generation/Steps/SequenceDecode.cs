using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Generation.Sampling;
using FourM.Generation.Sequences;
using FourM.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Steps;

/// <summary>
/// A lockstep autoregressive decode of several jobs (<see cref="AutoregressiveStep"/>) that advances one token per
/// <see cref="IssueToken"/>, so that a host can issue its tokens between other work on the device: issuing queues the token's
/// kernels and returns (the next token's input stays on the device); only <see cref="CheckEnded"/> and <see cref="Finish"/>
/// wait for the device, to copy the drawn tokens back. Each job draws from its own stream in the same order whatever runs in
/// between, so its tokens are those of the decode run at once. It owns its tensors, decoders and streams: dispose it.
/// </summary>
public sealed class SequenceDecode : IDisposable
{
    private readonly IGenerationNetwork _network;
    private readonly StepRunnerOptions _options;
    private readonly IReadOnlySet<int> _sentinelIds;
    private readonly List<SequenceJob> _decodings;
    private readonly List<SequenceGroup> _groups;
    private readonly AutoregressiveInputs _inputs;
    private readonly int _rows;
    private readonly int _longest;
    private readonly Tensor _start;
    private readonly List<(Tensor Tokens, bool[] Drawn)> _pending = new();   // per token: every job's last id, and who drew one
    private Tensor _last;
    private int _t;
    private bool _disposed;

    internal SequenceDecode(IGenerationNetwork network, StepRunnerOptions options, IReadOnlySet<int> sentinelIds, List<SequenceJob> decodings,
        List<SequenceGroup> groups, AutoregressiveInputs inputs, Tensor start)
    {
        _network = network;
        _options = options;
        _sentinelIds = sentinelIds;
        _decodings = decodings;
        _groups = groups;
        _inputs = inputs;
        _rows = decodings.Sum(d => d.PassCount);
        _longest = decodings.Max(d => d.Budget);
        _start = _last = start;
    }

    /// <summary>Every job has drawn its last token (as far as the host knows: an end token is seen at the next check).</summary>
    public bool Done => _t >= _longest || _decodings.All(d => d.Finished);

    /// <summary>Tokens issued since the last check reach <see cref="StepRunnerOptions.EndOfSequenceCheckInterval"/>.</summary>
    public bool CheckDue => _pending.Count >= Math.Max(1, _options.EndOfSequenceCheckInterval);

    /// <summary>Queues the next token of every job that has not finished; no host wait.</summary>
    public void IssueToken()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Done) throw new InvalidOperationException("the decode has drawn every token");
        // Its KV caches are inference tensors, updated in place: only allowed in inference mode.
        using var inference = torch.inference_mode();
        using var tokenScope = NewDisposeScope();
        // A NaN row's id is −1 until the next host check fails its job; it must not reach the embedding (on a GPU, a
        // device-side assert that would take every session on the device down with it).
        var rows = _inputs.Rows(_network.Device.type == DeviceType.CPU ? _last : _last.ClampMin(0L), _t);   // (R, D): each job's input, once per pass row
        var outputs = StepGroups(_groups, rows);
        var active = Enumerable.Range(0, _decodings.Count).Where(j => !_decodings[j].Finished && _t < _decodings[j].Budget).ToArray();
        var guided = GuidedLogits(active, outputs);
        for (int a = 0; a < active.Length; a++) _options.TokenLogitsObserver?.Invoke(_decodings[active[a]].Job, _t, guided[a]);
        var sampled = RowSampler.Sample(active.Select((j, a) => new RowSampler.Rows(guided[a], _decodings[j].Job.Step.Temperature,
            TopK.FromSetting(_decodings[j].Job.Sampling.TopK), _decodings[j].Job.Sampling.TopP, _decodings[j].Random)).ToList());
        var next = torch.cat(sampled.Select(s => s.Samples).ToArray(), 0);
        var last = active.Length == _decodings.Count
            ? next
            : _last.index_copy(0, DeviceArrays.Copy(active.Select(j => (long)j).ToArray(), _network.Device), next);
        _last = last.DetachFromDisposeScope();
        var drawn = new bool[_decodings.Count];
        foreach (var j in active)
        {
            drawn[j] = true;
            if (++_decodings[j].Drawn >= _decodings[j].Budget) _decodings[j].Finished = true;
        }
        _pending.Add((_last, drawn));
        _t++;
    }

    /// <summary>Copies the tokens drawn since the last check (one device→host copy, a wait for the device) and marks jobs whose output now holds their end token.</summary>
    public void CheckEnded()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CopyGenerated(markEnded: true);
    }

    /// <summary>The last copy and every job's result, in the order the jobs were started.</summary>
    public IReadOnlyList<StepResult> Finish()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CopyGenerated(markEnded: false);
        _options.Profile?.CountPass(StepProfile.Autoregressive, _rows, _decodings.Sum(d => (long)d.Drawn * d.PassCount), (long)_t * _rows);
        return _decodings.Select(Merge).ToList();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DisposePending();
        _last.Dispose();
        _start.Dispose();
        _inputs.Dispose();
        foreach (var g in _groups) g.Decoder.Dispose();
        foreach (var d in _decodings) d.Random.Dispose();
    }

    /// <summary>
    /// The guided float32 logits (1, V) of each active job. Jobs of the same target, pass count and guidance scale share one
    /// logits-head call over all their rows and one elementwise guidance combination (row-wise, so equal to combining alone).
    /// </summary>
    private Tensor[] GuidedLogits(int[] active, DecodedRows outputs)
    {
        var result = new Tensor[active.Length];
        foreach (var group in active.Select((j, a) => (Job: j, Active: a)).GroupBy(x => _decodings[x.Job].Job.Step.TargetDomain))
        {
            var members = group.ToArray();
            var rowIndex = members.SelectMany(m => Enumerable.Range(_decodings[m.Job].FirstPass, _decodings[m.Job].PassCount)).ToArray();
            var logits = _network.Logits(group.Key, outputs.Rows(rowIndex));   // (rows, V)
            var passes = _decodings[members[0].Job].PassCount;
            var uniform = members.All(m => _decodings[m.Job].PassCount == passes)
                ? GuidancePasses.CombineUniform(members.Select(m => _decodings[m.Job].Job).ToList(), logits, passes, 1)
                : null;
            if (uniform is not null)
            {
                for (int i = 0; i < members.Length; i++) result[members[i].Active] = uniform[i];   // (1, V)
                continue;
            }
            int row = 0;
            foreach (var m in members)
            {
                var d = _decodings[m.Job];
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
    private void CopyGenerated(bool markEnded)
    {
        if (_pending.Count == 0) return;
        long[] host;
        using (NewDisposeScope()) host = torch.stack(_pending.Select(p => p.Tokens).ToArray(), 0).cpu().data<long>().ToArray();
        for (int t = 0; t < _pending.Count; t++)
            for (int j = 0; j < _decodings.Count; j++)
                if (_pending[t].Drawn[j])
                {
                    var id = host[t * _decodings.Count + j];
                    RowSampler.CheckDrawn(_decodings[j].Job.JobId, _decodings[j].Job.Step.TargetDomain, [id]);
                    _decodings[j].Generated.Add(id);
                }
        DisposePending();
        if (!markEnded) return;
        foreach (var d in _decodings)
            if (!d.Finished && d.Generated.Contains(d.End)) d.Finished = true;
    }

    /// <summary>Frees the token tensors already copied, but the newest: it is the next token's input.</summary>
    private void DisposePending()
    {
        foreach (var (tokens, _) in _pending)
            if (!ReferenceEquals(tokens, _last)) tokens.Dispose();
        _pending.Clear();
    }

    private StepResult Merge(SequenceJob d)
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
        var merged = SpanMerge.Merge(input, output, _sentinelIds);
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


    /// <param name="rows">(R, D): every pass row's input.</param>
    /// <returns>
    /// Every pass row's output, kept as its group's (P, 1, D) block: the logits heads take their rows as one view when they
    /// are consecutive rows of one group (always, with batched guidance passes), else one gather, instead of one view per row
    /// and a concatenation every token.
    /// </returns>
    private static DecodedRows StepGroups(List<SequenceGroup> groups, Tensor rows)
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


}
