using System.Diagnostics;
using FourM.Engine.Engine;

namespace FourM.Engine.Batching;

/// <summary>
/// Forms batches from queued jobs of many sessions (the serving design's E3 loop). Jobs are grouped by
/// <see cref="BatchKey"/>; a key fires when it is full (rows or tokens), when every registered active session of its
/// model is waiting (the barrier: no companion is still on its way), or when its oldest job has waited
/// <see cref="EngineOptions.MaxQueueDelay"/>. Autoregressive keys wait longer (<see cref="EngineOptions.AutoregressiveHold"/>)
/// unless nothing else is queued or no live session is expected to reach a sequence step within the hold. Of the ready
/// keys the one with the largest weighted, aged backlog runs: sessions that alternate between keys (encode, decode) then
/// fall into step with each other instead of splitting into half-full batches, and waiting raises a key's weight so none
/// starves. Rows are picked by priority class, aged the same way. Jobs of sessions ahead of others on the same plan wait
/// for them within a budget (<see cref="StepAlignment"/>).
/// Not thread-safe: the engine calls it under its lock.
/// </summary>
public sealed class StepBatcher(EngineOptions options)
{
    private sealed class KeyQueue
    {
        public readonly List<QueuedJob> Jobs = new();
        public int Rows;
        public int Tokens;
    }

    private readonly Dictionary<BatchKey, KeyQueue> _queues = new();
    private readonly List<BatchKey> _ring = new();
    private readonly Dictionary<string, Dictionary<string, long>> _activeByModel = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _queuedPerSession = new(StringComparer.Ordinal);
    // Sessions whose latest job said an autoregressive step may lie ahead (JobScheduling.StepsToSequence > 0, or unknown):
    // how many steps, and when that job was queued.
    private readonly Dictionary<string, (int? Steps, long Queued)> _approachingSequence = new(StringComparer.Ordinal);
    // When each registered session last queued a model step, and per model the mean time between a session's steps (the step
    // period, batch and round trip together; absent until measured): together they say when an approaching session will
    // reach its step.
    private readonly Dictionary<string, long> _lastStepQueued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _stepPeriodTicks = new(StringComparer.Ordinal);   // per model
    private readonly StepAlignment _alignment = new(options);
    // Registered sessions whose final plan step has been packed: nothing more will come from them, so the barrier, the
    // sequence hold and alignment stop waiting for them before they unregister (a round trip through their grain: on the
    // H200 the 32 image→X sessions that finished together held the next text→image batch back by the 25 ms queue delay).
    private readonly HashSet<string> _finishing = new(StringComparer.Ordinal);
    // Sessions whose sequence step decodes across batches (DeviceEngine's sequence decodes): nothing comes from them until it
    // ends, so nothing waits for them meanwhile.
    private readonly HashSet<string> _decoding = new(StringComparer.Ordinal);
    // Weight of one round of steps (every registered session of the model stepping once) in the moving average. Each session's
    // interval counts 1/N of it: a single slow batch (a sequence decode holding the device) delays every session's next step,
    // and with a per-interval weight those N equal samples would replace the average outright.
    private const double StepPeriodSmoothing = 0.2;

    public int QueuedJobs { get; private set; }
    public int QueuedRows { get; private set; }

    public int ActiveSessions => _activeByModel.Values.Sum(s => s.Count);

    public void RegisterSession(string sessionId, string modelId, long now)
    {
        if (!_activeByModel.TryGetValue(modelId, out var sessions)) _activeByModel[modelId] = sessions = new(StringComparer.Ordinal);
        sessions[sessionId] = now;
    }

    public bool IsRegistered(string sessionId) => _activeByModel.Values.Any(s => s.ContainsKey(sessionId));

    public void UnregisterSession(string sessionId)
    {
        foreach (var sessions in _activeByModel.Values) sessions.Remove(sessionId);
        _approachingSequence.Remove(sessionId);
        _lastStepQueued.Remove(sessionId);
        _alignment.Forget(sessionId);
        _finishing.Remove(sessionId);
        _decoding.Remove(sessionId);
    }

    /// <summary>A session's sequence step now decodes across batches (true) or has ended (false).</summary>
    public void SetDecoding(string sessionId, bool decoding)
    {
        if (decoding) _decoding.Add(sessionId);
        else _decoding.Remove(sessionId);
    }

    public void Enqueue(QueuedJob job, long now)
    {
        job.EnqueuedTimestamp = now;
        var key = BatchKey.Of(job, options.BucketByLength);
        if (!_queues.TryGetValue(key, out var queue))
        {
            _queues[key] = queue = new KeyQueue();
            _ring.Add(key);
        }
        queue.Jobs.Add(job);
        queue.Rows += job.Rows;
        queue.Tokens += job.Tokens;
        QueuedJobs++;
        QueuedRows += job.Rows;
        _queuedPerSession[job.Scheduling.SessionId] = _queuedPerSession.GetValueOrDefault(job.Scheduling.SessionId) + 1;
        if (_activeByModel.TryGetValue(job.Scheduling.ModelId, out var sessions) && sessions.ContainsKey(job.Scheduling.SessionId))
        {
            sessions[job.Scheduling.SessionId] = now;
            // Only registered sessions' model steps count (their entries go when they unregister); tokenizer work says
            // nothing about a session's plan.
            if (!IsTokenizerWork(job.Kind))
            {
                var sessionId = job.Scheduling.SessionId;
                _finishing.Remove(sessionId);   // a retried or further step: it is not done after all
                // A step starts with its Step job (fused) or its Encode job (co-located, disaggregated); the Decode job of
                // the same step comes a batch later and would halve the period.
                if (job.Kind != WorkKind.Decode && _lastStepQueued.TryGetValue(sessionId, out var previous) && now > previous)
                {
                    double period = now - previous;
                    var weight = StepPeriodSmoothing / Math.Max(1, sessions.Count);
                    var model = job.Scheduling.ModelId;
                    _stepPeriodTicks[model] = _stepPeriodTicks.TryGetValue(model, out var mean) ? mean + weight * (period - mean) : period;
                }
                if (job.Kind != WorkKind.Decode)
                {
                    _lastStepQueued[sessionId] = now;
                    _alignment.Observe(job);
                }
                if (job.Scheduling.StepsToSequence is null or > 0) _approachingSequence[sessionId] = (job.Scheduling.StepsToSequence, now);
                else _approachingSequence.Remove(sessionId);
            }
        }
    }

    /// <summary>Sessions the sequence hold is tracking (diagnostics and tests).</summary>
    public int SessionsApproachingSequence => _approachingSequence.Count;

    /// <summary>The measured mean time between a session's consecutive steps on a model (zero until measured).</summary>
    public TimeSpan StepPeriod(string modelId) =>
        TimeSpan.FromSeconds(_stepPeriodTicks.GetValueOrDefault(modelId) / Stopwatch.Frequency);

    /// <summary>Time step alignment has held a session's jobs so far (diagnostics and tests).</summary>
    public TimeSpan AlignmentSpent(string sessionId) => _alignment.Spent(sessionId);

    /// <summary>Removes a job that has not been packed (cancelled or expired); false if it is no longer queued.</summary>
    public bool Remove(QueuedJob job)
    {
        if (!_queues.TryGetValue(BatchKey.Of(job, options.BucketByLength), out var queue) || !queue.Jobs.Remove(job)) return false;
        Forget(queue, job);
        return true;
    }

    /// <summary>Every queued job (used to fail them all on shutdown).</summary>
    public List<QueuedJob> DrainAll()
    {
        var all = _queues.Values.SelectMany(q => q.Jobs).ToList();
        foreach (var queue in _queues.Values) { queue.Jobs.Clear(); queue.Rows = queue.Tokens = 0; }
        _queuedPerSession.Clear();
        QueuedJobs = QueuedRows = 0;
        return all;
    }

    /// <summary>
    /// The next batch to run, or null with <paramref name="wait"/> = how long until a key's queue delay expires
    /// (null: nothing queued). Completed (cancelled) jobs are dropped here, before packing; expired jobs fail.
    /// </summary>
    public List<QueuedJob>? TryTake(long now, out TimeSpan? wait)
    {
        DropDeadJobs();
        wait = null;
        if (QueuedJobs == 0) return null;

        _alignment.Refresh(IsLive);
        KeyQueue? bestQueue = null;
        List<QueuedJob>? bestRunnable = null;
        double bestScore = double.NegativeInfinity;
        foreach (var key in _ring)
        {
            var queue = _queues[key];
            if (queue.Jobs.Count == 0) continue;
            var waited = Stopwatch.GetElapsedTime(queue.Jobs.Min(j => j.EnqueuedTimestamp), now);
            if (!IsReady(key, queue, waited, now))
            {
                wait = Earliest(wait, HoldOf(key) - waited);
                continue;
            }
            // Without alignment every job is runnable, and the order is only needed for the key that runs.
            List<QueuedJob>? runnable = null;
            if (_alignment.Enabled)
            {
                runnable = Runnable(queue, now, out var release);
                if (runnable.Count == 0)
                {
                    // Every job waits for laggards: their next submission, or the earliest budget running out, wakes the loop.
                    wait = Earliest(wait, release);
                    continue;
                }
            }
            var score = Score(queue, waited);
            if (score <= bestScore) continue;
            (bestQueue, bestRunnable, bestScore) = (queue, runnable, score);
        }
        return bestQueue is null ? null : Pack(bestQueue, bestRunnable ?? Ordered(bestQueue, now).ToList(), now);
    }

    private static TimeSpan? Earliest(TimeSpan? current, TimeSpan candidate) => current is null || candidate < current ? candidate : current;

    /// <summary>The key's jobs that step alignment does not hold, in packing order; <paramref name="release"/>: the earliest hold's end.</summary>
    private List<QueuedJob> Runnable(KeyQueue queue, long now, out TimeSpan release)
    {
        var runnable = new List<QueuedJob>(queue.Jobs.Count);
        var releaseAt = long.MaxValue;
        foreach (var job in Ordered(queue, now))
        {
            if (_alignment.Holds(job, now, out var jobRelease)) releaseAt = Math.Min(releaseAt, jobRelease);
            else runnable.Add(job);
        }
        release = releaseAt == long.MaxValue ? TimeSpan.Zero : Stopwatch.GetElapsedTime(now, releaseAt);
        return runnable;
    }

    private bool IsLive(string modelId, string sessionId) =>
        _activeByModel.TryGetValue(modelId, out var sessions) && sessions.TryGetValue(sessionId, out var lastSeen) &&
        IsExpected(sessionId, lastSeen, Stopwatch.GetTimestamp());

    /// <summary>Whether more work may still come from a registered session: seen within the lease, final step not yet packed, not inside a sequence decode.</summary>
    private bool IsExpected(string sessionId, long lastSeen, long clock) =>
        !_finishing.Contains(sessionId) && !_decoding.Contains(sessionId) && IsLive(lastSeen, clock);

    /// <summary>Sessions whose final step has been packed and that have not unregistered yet (diagnostics and tests).</summary>
    public int FinishingSessions => _finishing.Count;

    /// <summary>The last model work of a session's plan: its final step's Step job (fused) or Decode job (split modes).</summary>
    private static bool IsFinalWork(QueuedJob job) =>
        job.Kind is WorkKind.Step or WorkKind.Decode && job.Scheduling.Progress is { Steps: > 0 } progress && progress.Step >= progress.Steps - 1;

    /// <summary>A registered session that submitted something within the lease still counts (barrier, holds, alignment).</summary>
    private bool IsLive(long lastSeen, long clock) => Stopwatch.GetElapsedTime(lastSeen, clock) <= options.ActiveSessionLease;

    private TimeSpan HoldOf(BatchKey key) => key.Autoregressive ? Max(options.AutoregressiveHold, options.MaxQueueDelay) : options.MaxQueueDelay;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private bool IsReady(BatchKey key, KeyQueue queue, TimeSpan waited, long now)
    {
        if (queue.Rows >= options.MaxBatchRows || queue.Tokens >= options.MaxBatchTokens || waited >= HoldOf(key)) return true;
        // Image tokenizer work is requested at will, not in lockstep with steps: no barrier can tell when companions
        // are coming, so it waits the queue delay for them (or until the batch is full).
        if (IsTokenizerWork(key.Kind) || !AllActiveSessionsWaiting(key.ModelId)) return false;
        // Everyone is waiting. Autoregressive rows still give way to other queued work of the model while a live session
        // of the model may reach a sequence step before the hold runs out (its hint says one is ahead and the measured step
        // period says it comes in time, or it gave no hint): a sequence batch costs about the same for any number of rows,
        // so it is worth holding for sessions that will join it. Sessions with no sequence step ahead, or one too far ahead
        // to arrive within the hold, are no reason to wait.
        if (!key.Autoregressive || !_queues.Any(q => q.Value.Jobs.Count > 0 && !q.Key.Autoregressive && q.Key.ModelId == key.ModelId))
            return true;
        var holdEnds = now - (long)(waited.TotalSeconds * Stopwatch.Frequency) + (long)(HoldOf(key).TotalSeconds * Stopwatch.Frequency);
        return !AnyLiveSessionReachingSequenceBy(key.ModelId, holdEnds);
    }

    private bool AnyLiveSessionReachingSequenceBy(string modelId, long holdEnds)
    {
        if (_approachingSequence.Count == 0 || !_activeByModel.TryGetValue(modelId, out var sessions)) return false;
        var period = _stepPeriodTicks.GetValueOrDefault(modelId);
        var clock = Stopwatch.GetTimestamp();
        foreach (var (sessionId, (steps, queued)) in _approachingSequence)
        {
            if (!sessions.TryGetValue(sessionId, out var lastSeen) || !IsExpected(sessionId, lastSeen, clock)) continue;
            if (steps is null || period == 0 || queued + steps.Value * period <= holdEnds) return true;
        }
        return false;
    }

    /// <summary>Rows weighted by the best priority class present, raised by how long the oldest job has waited.</summary>
    private double Score(KeyQueue queue, TimeSpan waited)
    {
        var best = queue.Jobs.Min(j => j.Scheduling.PriorityClass);
        var weight = best >= 0 && best < options.PriorityWeights.Length ? options.PriorityWeights[best] : 1.0;
        var aging = options.AgingPerClass > TimeSpan.Zero ? waited / options.AgingPerClass : 0;
        return queue.Rows * weight * (1 + aging);
    }

    private static bool IsTokenizerWork(WorkKind kind) => kind is WorkKind.Tokenize or WorkKind.Detokenize;

    /// <summary>The barrier: every registered, live session of the model has a job queued, so waiting gains nothing.</summary>
    private bool AllActiveSessionsWaiting(string modelId)
    {
        if (!_activeByModel.TryGetValue(modelId, out var sessions)) return true;
        var now = Stopwatch.GetTimestamp();
        foreach (var (sessionId, lastSeen) in sessions)
        {
            if (!IsExpected(sessionId, lastSeen, now)) continue;
            if (_queuedPerSession.GetValueOrDefault(sessionId) == 0) return false;
        }
        return true;
    }

    private IEnumerable<QueuedJob> Ordered(KeyQueue queue, long now) =>
        queue.Jobs.OrderBy(j => EffectiveClass(j, now)).ThenBy(j => j.EnqueuedTimestamp);

    private double EffectiveClass(QueuedJob job, long now)
    {
        var agingTicks = options.AgingPerClass.Ticks;
        var lifted = agingTicks <= 0 ? 0 : Stopwatch.GetElapsedTime(job.EnqueuedTimestamp, now).Ticks / (double)agingTicks;
        return job.Scheduling.PriorityClass - Math.Floor(lifted);
    }

    private List<QueuedJob> Pack(KeyQueue queue, List<QueuedJob> runnable, long now)
    {
        var batch = new List<QueuedJob>();
        int rows = 0, tokens = 0;
        foreach (var job in runnable)
        {
            if (batch.Count > 0 && (rows + job.Rows > options.MaxBatchRows || tokens + job.Tokens > options.MaxBatchTokens)) continue;
            batch.Add(job);
            rows += job.Rows;
            tokens += job.Tokens;
        }
        foreach (var job in batch)
        {
            queue.Jobs.Remove(job);
            Forget(queue, job);
            _alignment.Charge(job, now);
            job.Packed = true;
            if (IsFinalWork(job) && IsRegistered(job.Scheduling.SessionId)) _finishing.Add(job.Scheduling.SessionId);
        }
        return batch;
    }

    private void DropDeadJobs()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var queue in _queues.Values)
        {
            for (var i = queue.Jobs.Count - 1; i >= 0; i--)
            {
                var job = queue.Jobs[i];
                var expired = job.Scheduling.Deadline is { } deadline && deadline <= now;
                if (!job.IsCompleted && !expired) continue;
                queue.Jobs.RemoveAt(i);
                Forget(queue, job);
                if (expired) job.Fail(new TimeoutException($"job of session '{job.Scheduling.SessionId}' passed its deadline while queued"));
            }
        }
    }

    private void Forget(KeyQueue queue, QueuedJob job)
    {
        queue.Rows -= job.Rows;
        queue.Tokens -= job.Tokens;
        QueuedJobs--;
        QueuedRows -= job.Rows;
        var sessionId = job.Scheduling.SessionId;
        var left = _queuedPerSession.GetValueOrDefault(sessionId) - 1;
        if (left <= 0) _queuedPerSession.Remove(sessionId); else _queuedPerSession[sessionId] = left;
    }
}
