using FourM.Client;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Cli.Commands;

/// <summary>Prints a session's step updates until it ends; returns its final phase.</summary>
public static class SessionWatch
{
    public static async Task<SessionPhase> FollowAsync(IServingConnection connection, string sessionId, CancellationToken cancellationToken)
    {
        var phase = SessionPhase.Created;
        await foreach (var update in connection.WatchAsync(sessionId, cancellationToken))
        {
            phase = update.Phase;
            var target = update.Target is null ? "" : $" {update.Target} {update.TargetStep}/{update.TargetSteps}";
            Console.WriteLine($"  [{update.CompletedSteps,4}/{update.TotalSteps}] {update.Phase.ToString().ToLowerInvariant()}{target}{(update.Error is null ? "" : $" error: {update.Error}")}");
            if (FourMClient.IsFinal(update.Phase)) break;
        }
        return phase;
    }
}
