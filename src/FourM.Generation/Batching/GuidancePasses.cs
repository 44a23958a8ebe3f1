using FourM.Generation.Initialisation;
using FourM.Generation.Modalities;
using FourM.Model.Runtime;

namespace FourM.Generation.Batching;

/// <summary>
/// The encoder/decoder passes one step needs: the sample alone (unguided), conditional + unconditional (classifier-free
/// guidance), or every weighted condition followed by the unconditional sample (multi-condition guidance). Logits are then
/// combined as <c>Lu + s·(Lc − Lu)</c> or <c>Lu + Σ wᵢ·(Lᵢ − Lu)</c>.
/// </summary>
public static class GuidancePasses
{
    public static bool IsMultiCondition(StepJob job) => job.Conditions is not null;

    /// <summary>The reference's test: guidance is off when the scale is 1 or there is nothing to drop.</summary>
    public static bool IsGuided(StepJob job) =>
        IsMultiCondition(job) || !(job.Step.CfgScales.Length == 1 && job.Step.CfgScales[0] == 1.0 || job.Step.CfgCondDomains.Length == 0);

    public static IReadOnlyList<SampleState> Build(StepJob job, ModalityCatalog catalog)
    {
        if (job.Conditions is { } conditions) return [.. conditions, job.Unconditional ?? job.State];
        if (!IsGuided(job)) return [job.State];
        if (job.Step.CfgScales.Length != 1)
            throw new GenerationPlanException($"job {job.JobId}: {job.Step.CfgScales.Length} guidance weights but no weighted conditions");
        var unconditional = job.State.Clone();
        foreach (var domain in job.Step.CfgCondDomains)
        {
            if (!unconditional.Contains(domain)) throw new GenerationPlanException($"job {job.JobId}: guidance condition '{domain}' is not in the sample");
            int index = unconditional.Modalities.FindIndex(m => m.Modality == domain);
            unconditional.Modalities[index] = SampleInitialisers.Unconditioned(unconditional.Modalities[index], catalog[domain].Kind);
        }
        return [job.State, unconditional];
    }

    /// <summary>Combines per-pass logits (same shape) into the guided float32 logits, in the reference's arithmetic order.</summary>
    public static TorchSharp.torch.Tensor Combine(StepJob job, IReadOnlyList<TorchSharp.torch.Tensor> passLogits)
    {
        // Sampling always runs in float32 (a no-op for float32 models), so bf16 models filter and draw as precisely as float32 ones.
        passLogits = passLogits.Select(l => l.to(TorchSharp.torch.ScalarType.Float32)).ToList();
        if (passLogits.Count == 1) return passLogits[0];
        var unconditional = passLogits[^1];
        if (job.Conditions is null) return unconditional.Plus((passLogits[0] - unconditional).MulBy(job.Step.CfgScales[0]));
        // zip(cond_weights, cond_logits): the shorter list decides how many conditions count.
        int count = Math.Min(job.Step.CfgScales.Length, passLogits.Count - 1);
        var terms = Enumerable.Range(0, count).Select(i => (passLogits[i] - unconditional).MulBy(job.Step.CfgScales[i])).ToArray();
        return unconditional.Plus(TorchSharp.torch.stack(terms).sum(dim: 0));
    }

    /// <summary>
    /// <see cref="Combine"/> for many jobs in one elementwise pass, when they share the pass count (at most 2), the guidance
    /// scale and have no weighted conditions; else null. <paramref name="logits"/> is (jobs·passes·rows, V) laid out by job,
    /// then pass, then row; returns float32 (jobs, rows, V). The arithmetic is the same per element, so each job's rows equal
    /// combining it alone.
    /// </summary>
    public static TorchSharp.torch.Tensor? CombineUniform(IReadOnlyList<StepJob> jobs, TorchSharp.torch.Tensor logits, int passes, long rows)
    {
        if (passes > 2 || jobs.Any(j => IsMultiCondition(j) || !j.Step.CfgScales.SequenceEqual(jobs[0].Step.CfgScales))) return null;
        var block = logits.to(TorchSharp.torch.ScalarType.Float32).reshape(jobs.Count, passes, rows, -1);
        if (passes == 1) return block.select(1, 0);
        var unconditional = block.select(1, 1);
        return unconditional.Plus((block.select(1, 0) - unconditional).MulBy(jobs[0].Step.CfgScales[0]));
    }
}
