using FourM.Generation.Batching;
using FourM.Generation.Network;
using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Generation.Steps;

/// <summary>
/// The decoder inputs of lockstep autoregressive decoding, <c>token_emb(last) + pos_emb[min(t, budget − 1)]</c> for every job,
/// repeated once per guidance pass row, built with a handful of device calls per token: one token-embedding call per target
/// modality and gathers through index tensors copied to the device once, before the first token.
/// </summary>
public sealed class AutoregressiveInputs : IDisposable
{
    public sealed record Job(string Target, Tensor PositionEmbeddings, int Budget, int PassCount);

    private readonly IGenerationNetwork _network;
    private readonly int _jobs;
    private readonly List<(string Target, Tensor? Members)> _targets;
    private readonly Tensor _positions;      // (ΣL, D): every job's position embeddings
    private readonly Tensor _positionIndex;  // (longest · jobs): row of _positions for (t, job)
    private readonly Tensor _rowJob;         // (rows): the job of each pass row

    /// <summary>Owns its tensors (outside any dispose scope): they outlive the call that builds it; dispose it.</summary>
    public AutoregressiveInputs(IGenerationNetwork network, IReadOnlyList<Job> jobs)
    {
        _network = network;
        _jobs = jobs.Count;
        var byTarget = Enumerable.Range(0, jobs.Count).GroupBy(j => jobs[j].Target).ToList();
        _targets = byTarget.Select(g => (g.Key, byTarget.Count == 1 ? null : (Tensor?)DeviceArrays.Copy(g.Select(j => (long)j).ToArray(), network.Device).DetachFromDisposeScope())).ToList();
        _positions = torch.cat(jobs.Select(j => j.PositionEmbeddings).ToArray(), 0).DetachFromDisposeScope();
        int longest = jobs.Max(j => j.Budget);
        var index = new long[longest * jobs.Count];
        long start = 0;
        for (int j = 0; j < jobs.Count; j++)
        {
            for (int t = 0; t < longest; t++) index[t * jobs.Count + j] = start + Math.Min(t, jobs[j].Budget - 1);
            start += jobs[j].Budget;
        }
        _positionIndex = DeviceArrays.Copy(index, network.Device).DetachFromDisposeScope();
        _rowJob = DeviceArrays.Copy(jobs.SelectMany((job, j) => Enumerable.Repeat((long)j, job.PassCount)).ToArray(), network.Device).DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var (_, members) in _targets) members?.Dispose();
        _positions.Dispose();
        _positionIndex.Dispose();
        _rowJob.Dispose();
    }

    /// <param name="last">(jobs) int64: each job's last token.</param>
    /// <returns>(rows, D): each job's decoder input at token <paramref name="t"/>, once per pass row.</returns>
    public Tensor Rows(Tensor last, int t)
    {
        Tensor tokens;
        if (_targets.Count == 1) tokens = _network.DecoderTokenEmbedding(_targets[0].Target, last);
        else
        {
            tokens = torch.zeros(_jobs, _network.Dim, dtype: _positions.dtype, device: _network.Device);
            foreach (var (target, members) in _targets)
                tokens = tokens.index_copy(0, members!, _network.DecoderTokenEmbedding(target, last.index_select(0, members!)));
        }
        var y = tokens.Plus(_positions.index_select(0, _positionIndex.narrow(0, (long)t * _jobs, _jobs)));
        return y.index_select(0, _rowJob);
    }
}
