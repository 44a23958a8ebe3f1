namespace FourM.Engine.Engine;

/// <summary>Knobs of one device engine (batch forming, admission, fairness).</summary>
public sealed class EngineOptions
{
    /// <summary>Most rows (jobs, CFG rows counted) in one batch.</summary>
    public int MaxBatchRows { get; set; } = 64;
    /// <summary>Most tokens (inputs + targets, all rows) in one batch.</summary>
    public int MaxBatchTokens { get; set; } = 64 * 1024;
    /// <summary>How long the oldest queued job may wait for companions before its key fires anyway.</summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromMilliseconds(5);
    /// <summary>Batch only rows of similar length (same power-of-two bucket of tokens per row), so padding stays below 2×.</summary>
    public bool BucketByLength { get; set; } = true;
    /// <summary>Queue bound: submissions beyond it are rejected (nothing queued).</summary>
    public int MaxQueuedJobs { get; set; } = 1024;
    /// <summary>Admission bound on registered (active) sessions.</summary>
    public int MaxActiveSessions { get; set; } = 256;
    /// <summary>A registered session that submitted nothing for this long no longer holds the batching barrier.</summary>
    public TimeSpan ActiveSessionLease { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Deficit-round-robin weight per priority class (index = class; missing classes weigh 1).</summary>
    public double[] PriorityWeights { get; set; } = [4, 2, 1];
    /// <summary>Waiting this long lifts a job by one priority class when rows are picked (starvation guard).</summary>
    public TimeSpan AgingPerClass { get; set; } = TimeSpan.FromMilliseconds(250);
}
