using FourM.Grains.Interfaces.Admission;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Sessions;
using FourM.Silo.Health;

namespace FourM.Silo.Lifecycle;

/// <summary>While draining, refuses new work that would land on this silo: session starts and device admissions.</summary>
public sealed class DrainingCallFilter(SiloHealthState health) : IIncomingGrainCallFilter
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (health.Draining && IsNewWork(context))
            throw new ServingRejectedException(RejectionReason.Draining, RetryAfter, "this silo is shutting down; retry (another silo will take the session)");
        return context.Invoke();
    }

    private static bool IsNewWork(IIncomingGrainCallContext context) =>
        (context.InterfaceMethod?.DeclaringType == typeof(IGenerationSessionGrain) && context.InterfaceMethod.Name == nameof(IGenerationSessionGrain.Start))
        || (context.InterfaceMethod?.DeclaringType == typeof(IDeviceGrain) && context.InterfaceMethod.Name == nameof(IDeviceGrain.Admit));
}
