namespace FourM.TestSupport;

/// <summary>
/// Locates the reference golden set: <c>$FOURM_GOLDEN_DIR</c>, else <c>&lt;repo&gt;/../shared/golden</c>.
/// The goldens are never copied into the repo (it must stay small enough to travel to the GPU machine).
/// </summary>
public static class Goldens
{
    public const string SkipReason = "skipped, goldens not found";

    private static readonly Lazy<string?> Located = new(Locate);

    /// <summary>The golden directory, or null when absent.</summary>
    public static string? Directory => Located.Value;

    /// <summary>True when golden tests must run: the goldens are present, or CI=true (absence then fails the tests).</summary>
    public static bool MustRun => Directory is not null || IsCi;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Full path of a golden file; throws (failing the test) when the goldens are absent.</summary>
    public static string File(string name)
    {
        var dir = Directory ?? throw new InvalidOperationException(
            "Golden test data not found: set FOURM_GOLDEN_DIR or place it at <repo>/../shared/golden (CI=true makes absence a failure).");
        return Path.Combine(dir, name);
    }

    private static string? Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("FOURM_GOLDEN_DIR");
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return System.IO.Directory.Exists(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        var repo = RepoRoot();
        if (repo is null) return null;
        var candidate = Path.GetFullPath(Path.Combine(repo, "..", "shared", "golden"));
        return System.IO.Directory.Exists(candidate) ? candidate : null;
    }

    /// <summary>The repository root: the nearest ancestor of the test assembly holding FourM.Grains.sln.</summary>
    public static string? RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "FourM.Grains.sln"))) return dir.FullName;
        return null;
    }
}
