using FourM.Engine.Engine;
using FourM.Grains.Interfaces.Devices;

namespace FourM.Grains.Devices;

/// <summary>
/// Shared by the device grains: resolves the key to this silo's engine for the device, and refuses to run on a silo
/// that does not own it (placement puts it there; this guards against misconfiguration).
/// </summary>
public abstract class DeviceGrainBase(DeviceEngines engines, ILocalSiloDetails silo) : Grain
{
    protected DeviceAddress Address { get; private set; } = null!;
    protected DeviceEngine Engine { get; private set; } = null!;
    protected string SiloName => silo.Name;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Address = DeviceKeys.DeviceOf(this.GetPrimaryKeyString());
        if (Address.Silo != silo.Name)
            throw new InvalidOperationException($"device grain {this.GetPrimaryKeyString()} activated on silo '{silo.Name}', which does not own it");
        Engine = engines.Get(Address.Device);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task<DeviceLoad> GetLoad()
    {
        var load = Engine.Snapshot();
        return Task.FromResult(new DeviceLoad
        {
            Device = Address.ToString(),
            Silo = silo.Name,
            QueuedJobs = load.QueuedJobs,
            RunningJobs = load.RunningJobs,
            ActiveSessions = load.ActiveSessions,
            CompletedJobs = load.CompletedJobs,
            Batches = load.Batches,
            HeldContexts = load.HeldContexts,
        });
    }
}
