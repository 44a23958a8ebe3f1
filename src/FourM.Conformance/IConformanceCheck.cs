namespace FourM.Conformance;

/// <summary>
/// One kind of golden check. Implementations are discovered by reflection (public, parameterless constructor), so a new
/// kind is added by adding a class under <c>Checks/</c>, without editing a shared list.
/// </summary>
public interface IConformanceCheck
{
    /// <summary>The golden files (names relative to the folder) this check reads; they are not listed as SKIP.</summary>
    IEnumerable<string> ClaimedFiles(string goldenDir);

    /// <summary>Runs every check of this kind that the folder holds. Must not throw: report a failure as an outcome.</summary>
    IEnumerable<CheckOutcome> Run(string goldenDir);
}

/// <param name="Name">Names the file and the kind of check, e.g. <c>forward outputs.safetensors</c>.</param>
public sealed record CheckOutcome(string Name, bool Passed, string? Detail = null)
{
    public static CheckOutcome Pass(string name) => new(name, true);
    public static CheckOutcome Fail(string name, string why) => new(name, false, why);
    public override string ToString() => Passed ? $"PASS {Name}" : $"FAIL {Name}: {Detail}";
}
