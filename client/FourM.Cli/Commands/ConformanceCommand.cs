using FourM.Conformance;

namespace FourM.Cli.Commands;

public sealed class ConformanceCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["conformance"];
    public string Usage => "conformance <golden-dir>";
    public string Summary => "run every reference check found in a golden folder; exit 0 only if none failed";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        if (cl.Positional.Count != 1) throw new UsageException("expected exactly one golden folder");
        var dir = cl.Positional[0];
        if (!Directory.Exists(dir)) throw new UsageException($"golden folder not found: {dir}");
        var (_, failed) = new ConformanceRunner().Run(dir, Console.Out);
        return Task.FromResult(failed == 0 ? 0 : 1);
    }
}
