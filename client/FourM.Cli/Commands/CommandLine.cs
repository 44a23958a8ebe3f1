namespace FourM.Cli.Commands;

/// <summary>Minimal parser for <c>--name value</c> / <c>--flag</c> options and positional arguments.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    public List<string> Positional { get; } = new();

    public CommandLine(IReadOnlyList<string> args, IReadOnlySet<string>? flags = null)
    {
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2) { Positional.Add(a); continue; }
            var eq = a.IndexOf('=');
            if (eq > 0) { _options[a[2..eq]] = a[(eq + 1)..]; continue; }
            var name = a[2..];
            if (flags?.Contains(name) == true || i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                _options[name] = null;
            else
                _options[name] = args[++i];
        }
    }

    public bool Has(string name) => _options.ContainsKey(name);
    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;
    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public int GetInt(string name, int fallback) =>
        Get(name) is { } s ? int.TryParse(s, out var v) ? v : throw new UsageException($"--{name} expects an integer, got '{s}'") : fallback;

    public IReadOnlyList<int> GetIntList(string name, IReadOnlyList<int> fallback) =>
        Get(name) is { } s
            ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(x => int.TryParse(x, out var v) ? v : throw new UsageException($"--{name} expects integers, got '{x}'")).ToList()
            : fallback;
}

/// <summary>A command-line mistake: printed with the command's usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
