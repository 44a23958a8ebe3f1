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
    /// (<see cref="Batching.StepAlignment"/>); zero turns alignment off. Sessions that arrive milliseconds apart otherwise stay
    /// that many steps apart to the end, and every pass mixes rows of different lengths and targets. Aligned, they run in
    /// lockstep after the last arrival, at the cost of up to this much latency per session. On the H200, with step chains,
    /// pass graphs sharing one pool and alignment skipping short runs of steps, the mixed benchmark at N = 64 reached 0.77–0.82 (B)
    /// and 0.87–0.92 (L) of homogeneous batching against 0.65 unaligned (docs/benchmarks.md, twelfth session); hence on by default.
    /// </summary>
    public TimeSpan StepAlignmentBudget { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How many steps behind a session may be and still be waited for (see <see cref="StepAlignmentBudget"/>).</summary>
    public int StepAlignmentWindow { get; set; } = 16;
    /// <summary>
    /// Fewest image steps a session must have left in a row (before its next sequence step or its plan's end) for alignment to
    /// hold it. Waiting pays back over the steps then shared with others; a session a few steps from its end or from a sequence
    /// step gains little, and holding it moves its work from while others are still arriving (when the device has room) to the
    /// run's critical path. On the H200 the image→X sessions of the serving benchmark (three image steps, then a caption) were
    /// gathered into two batches of 60–100 ms after the last arrival (docs/benchmarks.md, twelfth session).
    /// </summary>
    public int StepAlignmentMinSteps { get; set; } = 8;
    /// <summary>
    /// Autoregressive steps decode token by token inside the engine's other batches (<see cref="SequenceDecodes"/>): each batch
    /// issues one token of every running sequence decode while the device works on its image step, and the decode runs on its
    /// own when nothing else is queued. Off (the default): a sequence decode runs all its tokens at once and holds the device
    /// meanwhile (on the H200 the serving benchmark's 32 captions held 32 text→image sessions back by about 0.16 s at 4M-B).
    /// Same tokens either way. Off by default: on the H200 it gave the serving benchmark the same throughput and a longer
    /// median latency, since the device was busy during the caption batch anyway (docs/benchmarks.md, fourteenth session).
    /// </summary>
    public bool InterleaveSequenceDecodes { get; set; }
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
