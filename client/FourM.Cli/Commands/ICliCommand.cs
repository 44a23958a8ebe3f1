namespace FourM.Cli.Commands;

/// <summary>A <c>fourm</c> sub-command. Discovered by reflection, so a command is added by adding a class.</summary>
public interface ICliCommand
{
    /// <summary>The words that select the command, e.g. <c>["conformance"]</c> or <c>["bench", "serving"]</c>.</summary>
    IReadOnlyList<string> Path { get; }
    string Usage { get; }
    string Summary { get; }
    /// <summary>Runs with the arguments after <see cref="Path"/>; returns the process exit code.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken);
}
