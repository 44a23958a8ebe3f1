using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Interfaces.Work;

namespace FourM.Grains.Sessions;

/// <summary>How a session's step reaches the device grains (one per <see cref="ServingMode"/>).</summary>
public interface IStepExecutor
{
    Task<StepOutcome> Run(StepWork work, CancellationToken cancellationToken);

    /// <summary>Whether <see cref="RunChain"/> can run consecutive steps as one engine-side chain.</summary>
    bool ChainsSteps => false;

    /// <summary>Consecutive steps as one engine-side chain, each outcome as it completes (<see cref="ChainsSteps"/> only).</summary>
    IAsyncEnumerable<StepOutcome> RunChain(StepRun run, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} runs one step per call");
}

/// <summary>One call: the decoder grain runs encoder and decoder as one engine job; consecutive steps can chain.</summary>
public sealed class FusedStepExecutor(IGrainFactory grains, DeviceGrainKey device) : IStepExecutor
{
    public Task<StepOutcome> Run(StepWork work, CancellationToken cancellationToken) =>
        grains.GetGrain<IDecoderGrain>(device.ToString()).Step(work, cancellationToken);

    public bool ChainsSteps => true;

    public IAsyncEnumerable<StepOutcome> RunChain(StepRun run, CancellationToken cancellationToken) =>
        grains.GetGrain<IDecoderGrain>(device.ToString()).Steps(run, cancellationToken);
}

/// <summary>
/// Encoder grain then decoder grain. Co-located (same device): the context never leaves the device. Disaggregated:
/// the decoder fetches the context from the encoder's device as bf16 bytes.
/// </summary>
public sealed class SplitStepExecutor(IGrainFactory grains, DeviceGrainKey encoder, DeviceGrainKey decoder) : IStepExecutor
{
    public async Task<StepOutcome> Run(StepWork work, CancellationToken cancellationToken)
    {
        var encoderGrain = grains.GetGrain<IEncoderGrain>(encoder.ToString());
        EncodedContext context;
        try
        {
            context = await encoderGrain.Encode(work, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The encode may still finish (or may have finished with its reply in flight): its context must not stay on the device.
            _ = encoderGrain.AbandonEncode(work.JobId);
            throw;
        }
        try
        {
            var outcome = await grains.GetGrain<IDecoderGrain>(decoder.ToString()).Decode(work, context, cancellationToken);
            return outcome with
            {
                Timing = outcome.Timing with
                {
                    QueueMilliseconds = outcome.Timing.QueueMilliseconds + context.Timing.QueueMilliseconds,
                    ExecuteMilliseconds = outcome.Timing.ExecuteMilliseconds + context.Timing.ExecuteMilliseconds,
                },
            };
        }
        catch (OperationCanceledException)
        {
            // The decode never consumed the context: free it on the device (best effort; it may already be gone).
            _ = encoderGrain.ReleaseContext(context.Handle);
            throw;
        }
    }
}
