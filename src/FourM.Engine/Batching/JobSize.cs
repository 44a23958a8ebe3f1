using FourM.Generation.Batching;

namespace FourM.Engine.Batching;

/// <summary>Cost estimate of a job in rows and tokens, used by the batch limits.</summary>
public static class JobSize
{
    /// <summary>Encoder/decoder passes of the job: one, two with guidance (conditional + unconditional), or every weighted condition plus the unconditional.</summary>
    public static int Rows(StepJob job)
    {
        if (job.Conditions is { } conditions) return conditions.Count + 1;
        var scales = job.Step.CfgScales;
        var unguided = scales.Length == 1 && scales[0] == 1.0 || job.Step.CfgCondDomains.Length == 0;
        return unguided ? 1 : 2;
    }

    /// <summary>Tokens the encoder sees plus positions the decoder predicts, for one row.</summary>
    public static int Tokens(StepJob job)
    {
        var total = 0;
        foreach (var m in job.State.Modalities)
        {
            total += m.InputMask.Count(masked => !masked);
            total += m.TargetMask.Count(masked => !masked);
        }
        return Math.Max(1, total);
    }
}
