using System.Diagnostics;
using FourM.Engine.Engine;

namespace FourM.Engine.Batching;

/// <summary>
/// Step alignment: a session's step waits while another live session of the same model and plan shape is a few steps
/// behind it (<see cref="EngineOptions.StepAlignmentWindow"/>), so the laggards catch up and from then on the sessions run
/// the same step in the same pass: rows of one target with equal token counts, one logits group, no padding. Sessions that
/// arrive a few milliseconds apart otherwise stay a fixed number of steps apart for their whole plan, and every pass mixes
/// rows of different lengths and targets (on the H200 such passes took a quarter longer than lockstep ones). Each session
/// may be held for at most <see cref="EngineOptions.StepAlignmentBudget"/> over its life, which bounds the latency it pays.
/// Sequence (autoregressive) steps are never held and never waited for: the sequence hold gathers those; nor are steps of a
/// session with fewer than <see cref="EngineOptions.StepAlignmentMinSteps"/> image steps left in a row.
/// Not thread-safe: the batcher calls it under the engine lock.
/// </summary>
public sealed class StepAlignment(EngineOptions options)
{
    private readonly record struct Position(string ModelId, string Shape, int Step, bool Sequence);

    private readonly Dictionary<string, Position> _positions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _spentTicks = new(StringComparer.Ordinal);
    // Steps of live sessions per (model, shape), rebuilt once per batch decision.
    private readonly Dictionary<(string ModelId, string Shape), List<int>> _stepsByPlan = new();

    public bool Enabled => options.StepAlignmentBudget > TimeSpan.Zero && options.StepAlignmentWindow > 0;

    /// <summary>Records where a registered session's newest model step lies in its plan.</summary>
    public void Observe(QueuedJob job)
    {
        var sessionId = job.Scheduling.SessionId;
        if (job.Scheduling.Progress is { } progress)
            _positions[sessionId] = new Position(job.Scheduling.ModelId, progress.Shape, progress.Step, job.IsSequenceStep);
        else
            _positions.Remove(sessionId);
    }

    public void Forget(string sessionId)
    {
        _positions.Remove(sessionId);
        _spentTicks.Remove(sessionId);
    }

    /// <summary>Alignment time a session has spent so far (diagnostics and tests).</summary>
    public TimeSpan Spent(string sessionId) => TimeSpan.FromSeconds(_spentTicks.GetValueOrDefault(sessionId) / (double)Stopwatch.Frequency);

    /// <summary>Snapshots the steps of the live sessions; call before <see cref="Holds"/> for one batch decision.</summary>
    public void Refresh(Func<string, string, bool> isLive)
    {
        foreach (var steps in _stepsByPlan.Values) steps.Clear();
        if (!Enabled) return;
        foreach (var (sessionId, position) in _positions)
        {
            if (position.Sequence || !isLive(position.ModelId, sessionId)) continue;
            var plan = (position.ModelId, position.Shape);
            if (!_stepsByPlan.TryGetValue(plan, out var steps)) _stepsByPlan[plan] = steps = new List<int>();
            steps.Add(position.Step);
        }
    }

    /// <summary>
    /// Whether <paramref name="job"/> should wait for sessions behind it; <paramref name="releaseAt"/> is when its session's
    /// budget runs out (the latest it waits). A held job is marked so its waiting is charged when it runs.
    /// </summary>
    public bool Holds(QueuedJob job, long now, out long releaseAt)
    {
        releaseAt = now;
        if (!Enabled || job.Kind is not (WorkKind.Step or WorkKind.Encode) || job.IsSequenceStep || job.Scheduling.Progress is not { } progress)
            return false;
        if (StepsInARow(job.Scheduling, progress) < options.StepAlignmentMinSteps) return false;
        var heldSince = job.AlignmentHeldSince ?? now;
        releaseAt = heldSince + Ticks(options.StepAlignmentBudget) - _spentTicks.GetValueOrDefault(job.Scheduling.SessionId);
        if (now >= releaseAt || !AnyBehind(job.Scheduling.ModelId, progress)) return false;
        job.AlignmentHeldSince ??= now;
        return true;
    }

    /// <summary>Charges the time a job was held to its session's budget as it is packed.</summary>
    public void Charge(QueuedJob job, long now)
    {
        if (job.AlignmentHeldSince is not { } since) return;
        var sessionId = job.Scheduling.SessionId;
        _spentTicks[sessionId] = _spentTicks.GetValueOrDefault(sessionId) + Math.Max(0, now - since);
        job.AlignmentHeldSince = null;
    }

    /// <summary>Image steps the session has left before its next sequence step or its plan's end, this one included
    /// (<see cref="int.MaxValue"/> when neither is known).</summary>
    private static int StepsInARow(JobScheduling scheduling, PlanProgress progress) => scheduling.StepsToSequence switch
    {
        >= 0 and var steps => steps,
        _ when progress.Steps > 0 => progress.Steps - progress.Step,
        _ => int.MaxValue,
    };

    private bool AnyBehind(string modelId, PlanProgress progress)
    {
        if (!_stepsByPlan.TryGetValue((modelId, progress.Shape), out var steps)) return false;
        var earliest = progress.Step - options.StepAlignmentWindow;
        foreach (var step in steps)
            if (step >= earliest && step < progress.Step) return true;
        return false;
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
