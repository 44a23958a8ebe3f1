using FourM.Engine.Engine;
using FourM.Generation.Batching;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Work;
using FourM.Grains.Mapping;
using FourM.Grains.Placement;
using Orleans.Concurrency;

namespace FourM.Grains.Devices;

/// <summary>Encodes session chunks on its device; the contexts stay there until decoded, exported or released.</summary>
[DevicePlacement, Reentrant]
public sealed class EncoderGrain(DeviceEngines engines, ILocalSiloDetails silo) : DeviceGrainBase(engines, silo), IEncoderGrain
{
    private string ModelId => DeviceGrainKey.Parse(this.GetPrimaryKeyString()).ModelId;

    public async Task<EncodedContext> Encode(StepWork work, CancellationToken cancellationToken = default)
    {
        var (context, timing) = await EngineCalls.Admitted(() =>
            Engine.SubmitEncode(WorkMapping.ToJob(work), WorkMapping.ToScheduling(work), cancellationToken));
        return new EncodedContext
        {
            JobId = work.JobId,
            EncoderKey = this.GetPrimaryKeyString(),
            Handle = context.Id,
            Timing = WorkMapping.ToTiming(timing),
        };
    }

    [return: Immutable]
    public Task<byte[]> ExportContext(long handle, CancellationToken cancellationToken = default) =>
        Engine.ExportContext(ModelId, new ContextHandle(handle));

    public Task ReleaseContext(long handle) => Engine.ReleaseContext(ModelId, new ContextHandle(handle));

    public Task AbandonEncode(string jobId) => Engine.AbandonEncode(jobId);
}
