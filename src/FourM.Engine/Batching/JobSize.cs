using FourM.Generation.Batching;

namespace FourM.Engine.Batching;

/// <summary>Cost estimate of a job in rows and tokens, used by the batch limits.</summary>
public static class JobSize
{
    /// <summary>One row, plus one per guidance pass (unconditional, and each extra condition) when guidance is on.</summary>
    public static int Rows(StepJob job)
    {
        var scales = job.Step.CfgScales;
        var guided = scales.Any(s => s != 1.0);
        if (!guided) return 1;
        return 2 + (job.Conditions?.Count ?? Math.Max(0, scales.Length - 1));
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
