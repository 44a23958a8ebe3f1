using FourM.Engine.Engine;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Placement;
using Orleans.Concurrency;

namespace FourM.Grains.Devices;

[DevicePlacement, Reentrant]
public sealed class DeviceGrain(DeviceEngines engines, ILocalSiloDetails silo) : DeviceGrainBase(engines, silo), IDeviceGrain
{
    public Task Admit(string sessionId, string modelId)
    {
        EngineCalls.Admitted(() => { Engine.RegisterSession(sessionId, modelId); return true; });
        return Task.CompletedTask;
    }

    public Task Release(string sessionId)
    {
        Engine.UnregisterSession(sessionId);
        return Task.CompletedTask;
    }
}
