using System.Threading.Channels;
using FourM.Engine.Engine;
using FourM.Generation.Batching;

namespace FourM.Engine.Batching;

/// <summary>
/// A session's consecutive steps that the engine continues by itself: when one step's job completes, the device thread
/// queues the next step's job at once, on the state that step produced, so the session is waiting again before the next
/// batch forms. Per-step submission costs every step a round trip through the session grain (result delivery, the next
/// call), and the batching barrier waits for the slowest of those each batch. Every step's result is written to
/// <see cref="Results"/>, where the session persists and publishes it while the engine goes on.
/// </summary>
public sealed class StepChain
{
    private readonly object _gate = new();
    private readonly IReadOnlyList<StepJob> _steps;
    private readonly IReadOnlyList<JobScheduling> _scheduling;
    private readonly Channel<(StepResult Result, JobTiming Timing)> _results =
        Channel.CreateUnbounded<(StepResult, JobTiming)>(new UnboundedChannelOptions { SingleReader = true });
    private int _next;

    /// <param name="steps">The steps in order. The state of every step after the first is replaced by the state the step
    /// before it produced.</param>
    /// <param name="scheduling">Each step's scheduling fields (same session and model throughout).</param>
    public StepChain(IReadOnlyList<StepJob> steps, IReadOnlyList<JobScheduling> scheduling)
    {
        if (steps.Count == 0) throw new ArgumentException("a step chain needs at least one step", nameof(steps));
        if (scheduling.Count != steps.Count) throw new ArgumentException($"{steps.Count} steps but {scheduling.Count} scheduling entries", nameof(scheduling));
        if (scheduling.Any(s => s.SessionId != scheduling[0].SessionId || s.ModelId != scheduling[0].ModelId))
            throw new ArgumentException("the steps of a chain belong to one session and model", nameof(scheduling));
        _steps = steps;
        _scheduling = scheduling;
    }

    /// <summary>Each step's result in order; completes after the last step, or with the error or cancellation that ended the chain.</summary>
    public ChannelReader<(StepResult Result, JobTiming Timing)> Results => _results.Reader;

    /// <summary>The job of the step now queued or running; null once the chain has ended.</summary>
    public StepQueuedJob? Current { get; private set; }

    public bool Ended { get; private set; }

    internal StepQueuedJob Start()
    {
        lock (_gate) return Current = new StepQueuedJob(_steps[0], _scheduling[0]) { Chain = this };
    }

    /// <summary>Hands on a step's result and returns the next step's job on its state (null: that was the last step, or the
    /// chain ended meanwhile).</summary>
    internal StepQueuedJob? Advance(StepResult result, JobTiming timing)
    {
        lock (_gate)
        {
            if (Ended) return null;
            _results.Writer.TryWrite((result, timing));
            if (++_next >= _steps.Count)
            {
                EndLocked(null);
                return null;
            }
            return Current = new StepQueuedJob(_steps[_next] with { State = result.State }, _scheduling[_next]) { Chain = this };
        }
    }

    /// <summary>Ends the chain: its results complete with <paramref name="error"/> (null: normally). Later calls do nothing.</summary>
    internal void End(Exception? error)
    {
        lock (_gate) EndLocked(error);
    }

    private void EndLocked(Exception? error)
    {
        if (Ended) return;
        Ended = true;
        Current = null;
        _results.Writer.TryComplete(error);
    }
}
