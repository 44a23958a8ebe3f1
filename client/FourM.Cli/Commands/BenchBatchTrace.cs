using System.Diagnostics;
using System.Globalization;
using FourM.Generation.Batching;

namespace FourM.Cli.Commands;

/// <summary>
/// <c>bench serving --batch-trace</c>: wraps the served runner and records each fused batch (when it ran, how long, and per
/// target the jobs and the range of their step indices), to see which work lies on a run's critical path. Diagnostics only;
/// the runner's results pass through unchanged.
/// </summary>
public sealed class BenchBatchTrace(IEncoderDecoderRunner inner) : IEncoderDecoderRunner
{
    public readonly record struct Group(string Target, int Jobs, int Rows, int FirstStep, int LastStep);

    public readonly record struct Batch(long Start, long End, IReadOnlyList<Group> Groups);

    private readonly object _lock = new();
    private readonly List<Batch> _batches = new();

    public IReadOnlyList<StepResult> RunBatch(IReadOnlyList<StepJob> jobs)
    {
        var start = Stopwatch.GetTimestamp();
        var results = inner.RunBatch(jobs);
        var end = Stopwatch.GetTimestamp();
        var groups = jobs
            .GroupBy(j => j.Step.Scheme == DecodingScheme.Autoregressive ? j.Step.TargetDomain + "(ar)" : j.Step.TargetDomain)
            .Select(g => new Group(g.Key, g.Count(), g.Sum(j => FourM.Engine.Batching.JobSize.Rows(j)), g.Min(StepIndex), g.Max(StepIndex)))
            .ToList();
        lock (_lock) _batches.Add(new Batch(start, end, groups));
        return results;
    }

    /// <summary>The step index the session put after '#' in the job id (-1 when absent).</summary>
    private static int StepIndex(StepJob job)
    {
        var hash = job.JobId.LastIndexOf('#');
        return hash >= 0 && int.TryParse(job.JobId.AsSpan(hash + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var step) ? step : -1;
    }

    public void Reset()
    {
        lock (_lock) _batches.Clear();
    }

    /// <summary>One line per batch since the last reset, times relative to <paramref name="origin"/>.</summary>
    public IEnumerable<string> Describe(long origin)
    {
        List<Batch> batches;
        lock (_lock) batches = _batches.ToList();
        foreach (var b in batches)
            yield return string.Create(CultureInfo.InvariantCulture,
                $"      {Ms(b.Start - origin),7:0.0} ms +{Ms(b.End - b.Start),5:0.0} ms  ") +
                string.Join("; ", b.Groups.Select(g => string.Create(CultureInfo.InvariantCulture,
                    $"{g.Target} {g.Jobs}j/{g.Rows}r s{g.FirstStep}-{g.LastStep}")));
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public IReadOnlyList<ContextHandle> EncodeBatch(IReadOnlyList<StepJob> jobs) => inner.EncodeBatch(jobs);
    public IReadOnlyList<StepResult> DecodeBatch(IReadOnlyList<(StepJob Job, ContextHandle Context)> work) => inner.DecodeBatch(work);
    public byte[] ExportContext(ContextHandle handle) => inner.ExportContext(handle);
    public ContextHandle ImportContext(byte[] payload) => inner.ImportContext(payload);
    public void ReleaseContext(ContextHandle handle) => inner.ReleaseContext(handle);
}
