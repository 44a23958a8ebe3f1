using System.Reflection;

namespace FourM.Conformance;

/// <summary>Runs every <see cref="IConformanceCheck"/> on a golden folder and lists files no check handles as SKIP.</summary>
public sealed class ConformanceRunner
{
    private static readonly HashSet<string> Documentation = new(StringComparer.OrdinalIgnoreCase) { "README.md", "README.json" };
    private readonly IReadOnlyList<IConformanceCheck> _checks;

    public ConformanceRunner(IEnumerable<IConformanceCheck>? checks = null) =>
        _checks = (checks ?? DiscoverChecks()).ToList();

    public static IEnumerable<IConformanceCheck> DiscoverChecks() =>
        typeof(ConformanceRunner).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(IConformanceCheck).IsAssignableFrom(t)
                        && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IConformanceCheck)Activator.CreateInstance(t)!);

    /// <summary>Runs all checks, writing one line per outcome; returns (passed, failed).</summary>
    public (int Passed, int Failed) Run(string goldenDir, TextWriter output)
    {
        if (!Directory.Exists(goldenDir)) throw new DirectoryNotFoundException($"golden folder not found: {goldenDir}");
        int passed = 0, failed = 0;
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var check in _checks)
        {
            foreach (var f in check.ClaimedFiles(goldenDir)) claimed.Add(f);
            foreach (var outcome in SafeRun(check, goldenDir))
            {
                output.WriteLine(outcome.ToString());
                output.Flush();
                if (outcome.Passed) passed++; else failed++;
            }
        }
        foreach (var file in Directory.EnumerateFiles(goldenDir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
            if (!claimed.Contains(file) && !Documentation.Contains(file)) output.WriteLine($"SKIP {file}");
        output.WriteLine($"{passed} passed, {failed} failed");
        return (passed, failed);
    }

    private static IEnumerable<CheckOutcome> SafeRun(IConformanceCheck check, string dir)
    {
        var results = new List<CheckOutcome>();
        try
        {
            results.AddRange(check.Run(dir));
        }
        catch (Exception ex)
        {
            results.Add(CheckOutcome.Fail(check.GetType().Name, $"{ex.GetType().Name}: {ex.Message}"));
        }
        return results;
    }
}
