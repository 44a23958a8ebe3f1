using FourM.Engine.Engine;

namespace FourM.Engine.Batching;

/// <summary>
/// Compatibility key: jobs with the same key run in one batch. Targets, steps, token counts, schemes and guidance may
/// differ inside a key because the runner pads and masks per row; <see cref="LengthBucket"/> (⌈log2 tokens per row⌉, or 0
/// when bucketing is off) keeps short rows from being padded to long ones.
/// </summary>
public readonly record struct BatchKey(WorkKind Kind, string ModelId, int LengthBucket = 0)
{
    public static BatchKey Of(QueuedJob job, bool bucketByLength) =>
        new(job.Kind, job.Scheduling.ModelId, bucketByLength ? (int)Math.Ceiling(Math.Log2(Math.Max(1, job.Tokens / job.Rows))) : 0);

    public override string ToString() => $"{Kind}:{ModelId}:{LengthBucket}";
}
