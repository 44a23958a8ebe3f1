using System.Reflection;
using FourM.Cli.Commands;
using FourM.Model.Runtime;

OpenMpWaitPolicy.PreferPassive();

var commands = typeof(ICliCommand).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliCommand).IsAssignableFrom(t))
    .Select(t => (ICliCommand)Activator.CreateInstance(t)!)
    .OrderBy(c => string.Join(' ', c.Path), StringComparer.Ordinal)
    .ToList();

var match = commands
    .Where(c => c.Path.Count <= args.Length && c.Path.Select((w, i) => args[i] == w).All(x => x))
    .MaxBy(c => c.Path.Count);

if (match is null)
{
    Console.Error.WriteLine("usage: fourm <command> [args]");
    foreach (var c in commands) Console.Error.WriteLine($"  {c.Usage,-60} {c.Summary}");
    return args.Length == 0 || args[0] is "-h" or "--help" or "help" ? 0 : 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
try
{
    return await match.RunAsync(args.Skip(match.Path.Count).ToList(), cts.Token);
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine($"usage: fourm {match.Usage}");
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
