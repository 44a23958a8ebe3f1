using System.Runtime.CompilerServices;
using FourM.Engine.Engine;
using FourM.Generation.Batching;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Work;
using FourM.Grains.Mapping;
using FourM.Grains.Placement;
using Orleans.Concurrency;

namespace FourM.Grains.Devices;

/// <summary>
/// Decodes and samples on its device. A context computed on this device is used in place; one computed on another
/// device is fetched from that device's encoder grain as bf16 bytes (disaggregated serving).
/// </summary>
[DevicePlacement, Reentrant]
public sealed class DecoderGrain(DeviceEngines engines, ILocalSiloDetails silo) : DeviceGrainBase(engines, silo), IDecoderGrain
{
    public async Task<StepOutcome> Decode(StepWork work, EncodedContext context, CancellationToken cancellationToken = default)
    {
        var encoderDevice = DeviceGrainKey.Parse(context.EncoderKey).Device;
        byte[]? imported = null;
        ContextHandle? local = null;
        if (encoderDevice == Address) local = new ContextHandle(context.Handle);
        else imported = await GrainFactory.GetGrain<IEncoderGrain>(context.EncoderKey).ExportContext(context.Handle, cancellationToken);

        var (result, timing) = await EngineCalls.Admitted(() =>
            Engine.SubmitDecode(WorkMapping.ToJob(work), WorkMapping.ToScheduling(work), local, imported, cancellationToken));
        return WorkMapping.ToOutcome(result, timing);
    }

    public async IAsyncEnumerable<StepOutcome> Steps(StepRun run, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (steps, scheduling) = WorkMapping.ToChain(run);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var chain = EngineCalls.Admitted(() => Engine.SubmitStepChain(steps, scheduling, stop.Token));
        try
        {
            await foreach (var (result, timing) in chain.Results.ReadAllAsync(cancellationToken))
                yield return WorkMapping.ToOutcome(result, timing);
        }
        finally
        {
            // The caller stopped listening (an edit, a cancellation, a failure on its side): drop the steps still to run.
            stop.Cancel();
        }
    }

    public async Task<StepOutcome> Step(StepWork work, CancellationToken cancellationToken = default)
    {
        var (result, timing) = await EngineCalls.Admitted(() =>
            Engine.SubmitStep(WorkMapping.ToJob(work), WorkMapping.ToScheduling(work), cancellationToken));
        return WorkMapping.ToOutcome(result, timing);
    }
}
