using FourM.Engine.Engine;

namespace FourM.Engine.Batching;

/// <summary>
/// Compatibility key: jobs with the same key run in one batch. Targets, steps, token counts, schemes and guidance may
/// differ inside a key because the runner pads and masks per row; <see cref="LengthBucket"/> (⌈log2 tokens per row⌉, or 0
/// when bucketing is off) keeps short rows from being padded to long ones. <see cref="Autoregressive"/> separates decodes
/// that generate a sequence token by token (tens of decoder passes, whose cost hardly depends on the rows) from one-pass
/// image decodes, so neither holds the other up and autoregressive rows can gather.
/// </summary>
public readonly record struct BatchKey(WorkKind Kind, string ModelId, int LengthBucket = 0, bool Autoregressive = false)
{
    public static BatchKey Of(QueuedJob job, bool bucketByLength) =>
        new(job.Kind, job.Scheduling.ModelId, bucketByLength ? (int)Math.Ceiling(Math.Log2(Math.Max(1, job.Tokens / job.Rows))) : 0,
            IsAutoregressiveDecode(job));

    // The encode of a sequence step is one ordinary pass; only its decode generates token by token.
    private static bool IsAutoregressiveDecode(QueuedJob job) => job.Kind != WorkKind.Encode && job.IsSequenceStep;

    public override string ToString() => $"{Kind}:{ModelId}:{LengthBucket}{(Autoregressive ? ":ar" : "")}";
}
