using FourM.Engine.Batching;
using FourM.Generation.Batching;
using FourM.Generation.Steps;

namespace FourM.Engine.Engine;

/// <summary>
/// The sequence decodes a device engine runs across its batches (<see cref="EngineOptions.InterleaveSequenceDecodes"/>): each
/// holds the autoregressive steps packed together, issues one token per call of <see cref="IssueTokens"/> (while the device
/// works on a batch's image step, or alone when nothing is queued) and completes its jobs once every one has ended. A decode
/// that fails fails only its own jobs; one whose jobs were all cancelled (their sessions gave up) stops at its next token.
/// Device-thread only, like every torch call of the engine.
/// </summary>
internal sealed class SequenceDecodes
{
    private sealed record Running(SequenceDecode Decode, List<StepQueuedJob> Jobs, long Started, int Rows);

    private readonly List<Running> _running = new();
    private int _jobs;

    public bool Any => _running.Count > 0;

    /// <summary>Jobs inside running decodes (read from other threads for load snapshots).</summary>
    public int Jobs => Volatile.Read(ref _jobs);

    public void Add(SequenceDecode decode, List<StepQueuedJob> jobs, long started, int rows)
    {
        _running.Add(new Running(decode, jobs, started, rows));
        Interlocked.Add(ref _jobs, jobs.Count);
    }

    /// <summary>Queues the next token of every running decode (no host wait); a decode that throws fails its jobs and ends.</summary>
    public void IssueTokens(Action<StepQueuedJob, Exception> fail)
    {
        foreach (var running in _running.ToList())
        {
            if (running.Decode.Done) continue;
            if (running.Jobs.All(job => job.IsCompleted))
            {
                // Nobody waits for its tokens any more: free the device of it.
                End(running, job => fail(job, new OperationCanceledException("every job of the sequence decode was cancelled")));
                continue;
            }
            try { running.Decode.IssueToken(); }
            catch (Exception ex) { End(running, job => fail(job, ex)); }
        }
    }

    /// <summary>
    /// Checks the decodes whose check is due (a wait for the device: call it after a batch's results are back) and completes
    /// the jobs of every decode that is done.
    /// </summary>
    public void CompleteFinished(Action<StepQueuedJob, StepResult, long, int> complete, Action<StepQueuedJob, Exception> fail)
    {
        foreach (var running in _running.ToList())
        {
            try
            {
                if (!running.Decode.Done && running.Decode.CheckDue) running.Decode.CheckEnded();
                if (!running.Decode.Done) continue;
                var results = running.Decode.Finish();
                End(running, null);
                for (var i = 0; i < running.Jobs.Count; i++) complete(running.Jobs[i], results[i], running.Started, running.Rows);
            }
            catch (Exception ex)
            {
                End(running, job => fail(job, ex));
            }
        }
    }

    /// <summary>Ends every running decode (engine shutdown), failing its jobs.</summary>
    public void FailAll(Exception error, Action<StepQueuedJob, Exception> fail)
    {
        foreach (var running in _running.ToList()) End(running, job => fail(job, error));
    }

    private void End(Running running, Action<StepQueuedJob>? failJob)
    {
        if (!_running.Remove(running)) return;
        Interlocked.Add(ref _jobs, -running.Jobs.Count);
        running.Decode.Dispose();
        if (failJob is not null) foreach (var job in running.Jobs) failJob(job);
    }
}
