using FourM.Grains.Interfaces.Admission;

namespace FourM.Grains.Sessions;

/// <summary>
/// Tells a step that failed because its device went away (the silo is leaving, shut down, or died) from a step that
/// failed on its own (bad input, a model error): only the first is worth running again on another device.
/// </summary>
public static class DeviceLoss
{
    /// <param name="error">What the step call threw.</param>
    /// <param name="stillAnnounced">Whether the cluster still announces every device the session uses.</param>
    /// <param name="cancelledByUs">Whether the session itself cancelled the call (cancel, deadline, step timeout).</param>
    public static bool IsDeviceLoss(Exception error, bool stillAnnounced, bool cancelledByUs)
    {
        if (cancelledByUs) return false;
        if (!stillAnnounced) return true;
        return Unwrap(error) switch
        {
            ServingRejectedException rejected => rejected.Reason is RejectionReason.Draining or RejectionReason.NoDevice,
            // The runtime could not deliver the call or its answer (silo unreachable, forwarding failed, no response):
            // device grains report their own failures with other types.
            OrleansException or TimeoutException => true,
            // A device engine that shuts down fails its queued jobs as cancelled; the session did not cancel this one.
            OperationCanceledException => true,
            _ => false,
        };
    }

    private static Exception Unwrap(Exception error) =>
        error is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : error;
}
