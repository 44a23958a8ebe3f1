using Orleans.Concurrency;

namespace FourM.Grains.Interfaces.Sessions;

/// <summary>A participant that wants every step of a shared session pushed to it (multi-user fan-out).</summary>
[Alias("fourm.ISessionObserver")]
public interface ISessionObserver : IGrainObserver
{
    [OneWay]
    Task OnStep(StepUpdate update);
}
