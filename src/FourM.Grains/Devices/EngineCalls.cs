using FourM.Engine.Admission;
using FourM.Grains.Interfaces.Admission;

namespace FourM.Grains.Devices;

/// <summary>Translates the engine's rejections into the typed error callers see across the cluster.</summary>
public static class EngineCalls
{
    public static async Task<T> Admitted<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (EngineRejectedException ex) { throw ToServing(ex); }
    }

    public static T Admitted<T>(Func<T> call)
    {
        try { return call(); }
        catch (EngineRejectedException ex) { throw ToServing(ex); }
    }

    public static ServingRejectedException ToServing(EngineRejectedException ex) => new(
        ex.Reason switch
        {
            EngineRejection.QueueFull or EngineRejection.SessionLimit => RejectionReason.QueueFull,
            _ => RejectionReason.Draining,
        },
        ex.RetryAfter,
        ex.Message);
}
