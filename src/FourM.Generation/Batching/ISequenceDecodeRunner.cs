using FourM.Generation.Steps;

namespace FourM.Generation.Batching;

/// <summary>
/// A runner whose autoregressive steps can be decoded token by token between other batches (iteration-level scheduling): a
/// host starts them as a <see cref="SequenceDecode"/> and issues their tokens while the device works on image batches, so a
/// long sequence decode never holds the device for itself.
/// </summary>
public interface ISequenceDecodeRunner
{
    /// <summary>Encodes the jobs (all autoregressive) and prepares their decode; no token is drawn yet.</summary>
    SequenceDecode StartSequences(IReadOnlyList<StepJob> jobs);

    /// <summary>
    /// <see cref="IStepBatchRunner.RunBatch"/>, calling <paramref name="whileDeviceWorks"/> once, after the batch's device work has
    /// been issued and before the host waits for its results (work issued there runs behind it on the device).
    /// </summary>
    IReadOnlyList<StepResult> RunBatch(IReadOnlyList<StepJob> jobs, Action whileDeviceWorks);
}
