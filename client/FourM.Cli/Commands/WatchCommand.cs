using FourM.Grains.Interfaces.Sessions;

namespace FourM.Cli.Commands;

/// <summary><c>fourm watch &lt;id&gt;</c>: follow a running session (several watchers may follow one session).</summary>
public sealed class WatchCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["watch"];
    public string Usage => $"watch <id> {ServingConnections.Usage}";
    public string Summary => "print a session's step updates until it ends (exit 0 when it completed)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (cl, id) = SessionArguments.Parse(args);
        await using var connection = await ServingConnections.OpenAsync(cl, cancellationToken);
        return await SessionWatch.FollowAsync(connection, id, cancellationToken) == SessionPhase.Completed ? 0 : 1;
    }
}
