using FourM.Generation.Batching;

namespace FourM.Serving.Tests.Fakes;

/// <summary>
/// A deterministic stand-in for the model (CPU CI): a step unmasks the scheme's number of target positions, chosen and
/// filled by hashing the step seed, the position and a digest of the visible inputs and pixels (the "context"). A job's tokens
/// therefore depend only on its own state and seed, never on its batch companions, like the real runner.
/// Records batches and jobs; <see cref="Gate"/> can hold the device thread to test queueing and cancellation.
/// </summary>
public sealed class HashingFakeRunner : IEncoderDecoderRunner
{
    public const int Vocabulary = 1000;

    private readonly object _lock = new();
    private readonly Dictionary<long, ulong> _contexts = new();
    private readonly List<int> _batchSizes = new();
    private readonly Dictionary<string, int> _jobsPerSession = new(StringComparer.Ordinal);
    private long _nextHandle;

    public RunnerGate? Gate { get; set; }
    public int Imports { get; private set; }
    public int Exports { get; private set; }

    public IReadOnlyList<int> BatchSizes { get { lock (_lock) return _batchSizes.ToList(); } }
    public int JobsOf(string sessionId) { lock (_lock) return _jobsPerSession.GetValueOrDefault(sessionId); }
    public int HeldContexts { get { lock (_lock) return _contexts.Count; } }

    public IReadOnlyList<StepResult> RunBatch(IReadOnlyList<StepJob> jobs)
    {
        Record(jobs);
        Gate?.Pass();
        return jobs.Select(job => Decode(job, Digest(job.State))).ToList();
    }

    public IReadOnlyList<ContextHandle> EncodeBatch(IReadOnlyList<StepJob> jobs)
    {
        Record(jobs);
        Gate?.Pass();
        lock (_lock)
            return jobs.Select(job => { var h = ++_nextHandle; _contexts[h] = Digest(job.State); return new ContextHandle(h); }).ToList();
    }

    public IReadOnlyList<StepResult> DecodeBatch(IReadOnlyList<(StepJob Job, ContextHandle Context)> work)
    {
        var results = new List<StepResult>();
        foreach (var (job, context) in work)
        {
            ulong digest;
            lock (_lock)
            {
                if (!_contexts.Remove(context.Id, out digest)) throw new InvalidOperationException($"unknown context {context.Id}");
            }
            results.Add(Decode(job, digest));
        }
        return results;
    }

    public byte[] ExportContext(ContextHandle handle)
    {
        lock (_lock)
        {
            if (!_contexts.Remove(handle.Id, out var digest)) throw new InvalidOperationException($"unknown context {handle.Id}");
            Exports++;
            return BitConverter.GetBytes(digest);
        }
    }

    public ContextHandle ImportContext(byte[] payload)
    {
        lock (_lock)
        {
            var h = ++_nextHandle;
            _contexts[h] = BitConverter.ToUInt64(payload);
            Imports++;
            return new ContextHandle(h);
        }
    }

    public void ReleaseContext(ContextHandle handle)
    {
        lock (_lock) _contexts.Remove(handle.Id);
    }

    private void Record(IReadOnlyList<StepJob> jobs)
    {
        lock (_lock)
        {
            _batchSizes.Add(jobs.Count);
            foreach (var job in jobs)
            {
                var session = SessionOf(job.JobId);
                _jobsPerSession[session] = _jobsPerSession.GetValueOrDefault(session) + 1;
            }
        }
    }

    /// <summary>Sessions name their jobs <c>{session}#{step}</c>; the reference generation uses the same form.</summary>
    public static string SessionOf(string jobId) => jobId.Split('#')[0];

    private static StepResult Decode(StepJob job, ulong digest)
    {
        var state = job.State.Clone();
        var target = state[job.Step.TargetDomain];
        var seed = (ulong)(job.Seed ?? 0);
        var remaining = Enumerable.Range(0, target.TargetMask.Length).Where(i => !target.TargetMask[i]).ToList();
        var count = Math.Min(job.Step.NumTokens ?? remaining.Count, remaining.Count);
        var chosen = remaining.OrderBy(i => Mix(seed, (ulong)i, 0x9E37)).Take(count).ToList();
        foreach (var position in chosen)
        {
            target.Tokens[position] = (long)(Mix(digest, seed, (ulong)position) % Vocabulary);
            target.InputMask[position] = false;
            target.TargetMask[position] = true;
        }
        return new StepResult(job.JobId, state, chosen.Count);
    }

    private static ulong Digest(SampleState state)
    {
        ulong h = 1469598103934665603;
        foreach (var m in state.Modalities)
        {
            foreach (var c in m.Modality) h = Mix(h, c, 1);
            for (var i = 0; i < m.InputMask.Length; i++)
                if (!m.InputMask[i]) h = Mix(h, (ulong)i, i < m.Tokens.Length ? (ulong)m.Tokens[i] : 7);
            if (m.Pixels is { } pixels)
                foreach (var pixel in pixels) h = Mix(h, BitConverter.SingleToUInt32Bits(pixel), 3);
        }
        return h;
    }

    private static ulong Mix(ulong a, ulong b, ulong c)
    {
        var x = a * 0x9E3779B97F4A7C15 ^ (b + 0x632BE59BD9B4E019) * 0xC2B2AE3D27D4EB4F ^ c * 0x165667B19E3779F9;
        x ^= x >> 31; x *= 0xBF58476D1CE4E5B9; x ^= x >> 27;
        return x;
    }
}
