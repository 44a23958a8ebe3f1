namespace FourM.Engine.Engine;

/// <summary>Knobs of one device engine (batch forming, admission, fairness).</summary>
public sealed class EngineOptions
{
    /// <summary>Most rows (jobs, CFG rows counted) in one batch.</summary>
    public int MaxBatchRows { get; set; } = 64;
    /// <summary>Most tokens (inputs + targets, all rows) in one batch.</summary>
    public int MaxBatchTokens { get; set; } = 64 * 1024;
    /// <summary>
    /// How long the oldest queued job may wait for companions before its key fires anyway. The barrier (every active session
    /// waiting) ends the wait early, so this bound only matters while some session is still on its way back from its previous
    /// step (result delivery, state persistence, the next call: a few ms under load). Too short a bound splits sessions into
    /// cohorts that alternate on the device with half-full batches.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromMilliseconds(25);
    /// <summary>
    /// Batch only rows of similar length (same power-of-two bucket of tokens per row), so padding stays below 2×. Off by
    /// default: on a GPU a step's fixed cost (kernel launches) outweighs padding, and buckets split sessions that are in
    /// different phases of one chain into smaller batches.
    /// </summary>
    public bool BucketByLength { get; set; }
    /// <summary>
    /// The longest autoregressive decodes wait for companions while other work keeps the device busy and some live session
    /// is expected to reach a sequence step within it (<see cref="Batching.JobScheduling.StepsToSequence"/> times the
    /// measured step period). Generating a sequence is tens of lockstep decoder passes that cost about the same for 1 row as
    /// for 64, so running them once for many sessions beats running them often for few. They run at once when nothing else
    /// is queued or no session is expected in time. 1 s: on the H200 the serving benchmark's 32 captions (arrivals spread
    /// over 315 ms, three image steps each first) reach their step over 0.4–0.6 s, and a 500 ms hold split them into two
    /// runs on slower hosts (each run blocks the device for 0.15–0.25 s at 4M-B); the cost is at most that much caption
    /// latency for the first of them.
    /// </summary>
    public TimeSpan AutoregressiveHold { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// Most time, over its whole life, that a session's steps may wait for sessions a few steps behind it on the same plan
    /// (<see cref="Batching.StepAlignment"/>); zero (the default) turns alignment off. Sessions that arrive milliseconds apart
    /// otherwise stay that many steps apart to the end, and every pass mixes rows of different lengths and targets. Aligned,
    /// they run in lockstep after the last arrival, at the cost of up to this much latency per session. On the H200 it made
    /// passes as cheap as homogeneous ones but did not raise the mixed benchmark's throughput beyond its run-to-run spread
    /// while every step was a round trip (docs/benchmarks.md, ninth and tenth sessions); with step chains one call gave 0.73
    /// of homogeneous against 0.58–0.61 without (eleventh session). It stays off until more measurements confirm that.
    /// </summary>
    public TimeSpan StepAlignmentBudget { get; set; } = TimeSpan.Zero;
    /// <summary>How many steps behind a session may be and still be waited for (see <see cref="StepAlignmentBudget"/>).</summary>
    public int StepAlignmentWindow { get; set; } = 16;
    /// <summary>Queue bound: submissions beyond it are rejected (nothing queued).</summary>
    public int MaxQueuedJobs { get; set; } = 1024;
    /// <summary>Admission bound on registered (active) sessions.</summary>
    public int MaxActiveSessions { get; set; } = 256;
    /// <summary>A registered session that submitted nothing for this long no longer holds the batching barrier.</summary>
    public TimeSpan ActiveSessionLease { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Weight per priority class when ready keys compete for the device (index = class; missing classes weigh 1).</summary>
    public double[] PriorityWeights { get; set; } = [4, 2, 1];
    /// <summary>Waiting this long lifts a job by one priority class when rows are picked (starvation guard).</summary>
    public TimeSpan AgingPerClass { get; set; } = TimeSpan.FromMilliseconds(250);
}
