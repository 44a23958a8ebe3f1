using FourM.Generation.Batching;

namespace FourM.Serving.Tests.Fakes;

/// <summary>Wraps a real runner so a test can hold the device thread (at the start of each batch) and count jobs per session.</summary>
public sealed class GatedRunner(IEncoderDecoderRunner inner) : IEncoderDecoderRunner
{
    private readonly Dictionary<string, int> _jobsPerSession = new(StringComparer.Ordinal);
    private readonly List<int> _batchSizes = new();

    public RunnerGate? Gate { get; set; }

    public int JobsOf(string sessionId) { lock (_jobsPerSession) return _jobsPerSession.GetValueOrDefault(sessionId); }

    /// <summary>Jobs per encoder batch (or per fused step batch).</summary>
    public IReadOnlyList<int> BatchSizes { get { lock (_jobsPerSession) return _batchSizes.ToList(); } }

    public IReadOnlyList<StepResult> RunBatch(IReadOnlyList<StepJob> jobs)
    {
        Enter(jobs);
        return inner.RunBatch(jobs);
    }

    public IReadOnlyList<ContextHandle> EncodeBatch(IReadOnlyList<StepJob> jobs)
    {
        Enter(jobs);
        return inner.EncodeBatch(jobs);
    }

    public IReadOnlyList<StepResult> DecodeBatch(IReadOnlyList<(StepJob Job, ContextHandle Context)> work) => inner.DecodeBatch(work);
    public byte[] ExportContext(ContextHandle handle) => inner.ExportContext(handle);
    public ContextHandle ImportContext(byte[] payload) => inner.ImportContext(payload);
    public void ReleaseContext(ContextHandle handle) => inner.ReleaseContext(handle);

    private void Enter(IReadOnlyList<StepJob> jobs)
    {
        lock (_jobsPerSession)
        {
            _batchSizes.Add(jobs.Count);
            foreach (var job in jobs)
            {
                var session = HashingFakeRunner.SessionOf(job.JobId);
                _jobsPerSession[session] = _jobsPerSession.GetValueOrDefault(session) + 1;
            }
        }
        Gate?.Pass();
    }
}
