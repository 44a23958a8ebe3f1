using System.Text.Json;
using FourM.Client.Contracts;

namespace FourM.Cli.Commands;

/// <summary><c>fourm session status|cancel|result &lt;id&gt;</c>.</summary>
public sealed class SessionStatusCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["session", "status"];
    public string Usage => $"session status <id> {ServingConnections.Usage}";
    public string Summary => "print a session's status as JSON";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (cl, id) = SessionArguments.Parse(args);
        await using var connection = await ServingConnections.OpenAsync(cl, cancellationToken);
        Console.WriteLine(JsonSerializer.Serialize(await connection.StatusAsync(id, cancellationToken), SessionArguments.Indented));
        return 0;
    }
}

public sealed class SessionCancelCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["session", "cancel"];
    public string Usage => $"session cancel <id> {ServingConnections.Usage}";
    public string Summary => "cancel a session (queued device work is dropped)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (cl, id) = SessionArguments.Parse(args);
        await using var connection = await ServingConnections.OpenAsync(cl, cancellationToken);
        var status = await connection.CancelAsync(id, cancellationToken);
        Console.WriteLine($"session {id}: {status.Phase.ToString().ToLowerInvariant()} after {status.CompletedSteps}/{status.TotalSteps} steps");
        return 0;
    }
}

public sealed class SessionResultCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["session", "result"];
    public string Usage => $"session result <id> {ServingConnections.Usage} [--out DIR]";
    public string Summary => "save a session's outputs (tokens, text, PNG where rendered)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var (cl, id) = SessionArguments.Parse(args);
        await using var connection = await ServingConnections.OpenAsync(cl, cancellationToken);
        await SessionOutputWriter.SaveAsync(connection, id, cl.Get("out", System.IO.Path.Combine("fourm-out", id)), cancellationToken);
        return 0;
    }
}

internal static class SessionArguments
{
    public static readonly JsonSerializerOptions Indented = new(FourMJson.Options) { WriteIndented = true };

    public static (CommandLine Line, string SessionId) Parse(IReadOnlyList<string> args)
    {
        var cl = new CommandLine(args);
        if (cl.Positional.Count != 1) throw new UsageException("expected exactly one session id");
        return (cl, cl.Positional[0]);
    }
}
