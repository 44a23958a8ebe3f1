namespace FourM.Client;

/// <summary>
/// Retries a session start the cluster refused for now (queue full, client cap, device draining or none free), waiting
/// each rejection's retry-after, while the waiting stays within a budget; then the last rejection surfaces. Starts that
/// can never succeed (an unknown model) surface at once. Shared by the SDK, the gateway (through the SDK) and the CLI.
/// </summary>
public static class RejectedStartRetry
{
    /// <summary>The shortest wait between attempts, whatever the retry-after says.</summary>
    public static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(50);

    public static bool IsTransient(string reason) => reason is "QueueFull" or "ClientConcurrencyLimit" or "Draining" or "NoDevice";

    /// <param name="onRetry">Told about each rejection that will be retried, and the wait before the next attempt.</param>
    public static async Task<T> RunAsync<T>(Func<Task<T>> start, TimeSpan budget, Action<GenerationRejectedException, TimeSpan>? onRetry = null,
        CancellationToken cancellationToken = default)
    {
        var retryUntil = DateTimeOffset.UtcNow + budget;
        while (true)
        {
            try
            {
                return await start();
            }
            catch (GenerationRejectedException rejected) when (IsTransient(rejected.Reason) && DateTimeOffset.UtcNow + Wait(rejected) <= retryUntil)
            {
                onRetry?.Invoke(rejected, Wait(rejected));
                await Task.Delay(Wait(rejected), cancellationToken);
            }
        }
    }

    private static TimeSpan Wait(GenerationRejectedException rejected) => rejected.RetryAfter < MinimumWait ? MinimumWait : rejected.RetryAfter;
}
