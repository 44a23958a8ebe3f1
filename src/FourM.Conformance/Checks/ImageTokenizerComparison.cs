using static TorchSharp.torch;

namespace FourM.Conformance.Checks;

/// <summary>Comparisons for tokenizer goldens: integers exactly, floats within an absolute tolerance.</summary>
public static class ImageTokenizerComparison
{
    public const double ReconstructionTolerance = 1e-4;

    /// <summary>Null when equal; otherwise why not.</summary>
    public static string? Exact(Tensor actual, Tensor expected)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
            return $"shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]";
        using var a = actual.to(ScalarType.Int64).cpu();
        using var e = expected.to(ScalarType.Int64).cpu();
        using var differ = a.ne(e);
        var count = differ.sum().item<long>();
        return count == 0 ? null : $"{count} of {a.numel()} values differ";
    }

    /// <summary>Null when every element is within <paramref name="tolerance"/>; otherwise the largest difference.</summary>
    public static string? Close(Tensor actual, Tensor expected, double tolerance = ReconstructionTolerance)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
            return $"shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]";
        using var a = actual.to(ScalarType.Float64).cpu();
        using var e = expected.to(ScalarType.Float64).cpu();
        using var difference = (a - e).abs();
        var max = difference.max().item<double>();
        return max <= tolerance && !double.IsNaN(max) ? null : $"max abs difference {max:G4} > {tolerance:G2}";
    }

    /// <summary>Runs one comparison (null = equal, else the reason) and records it as <c>PASS/FAIL &lt;prefix&gt;: &lt;what&gt;</c>; a throw is a failure.</summary>
    public static void Record(List<CheckOutcome> outcomes, string prefix, string what, Func<string?> compare)
    {
        string? why;
        try { why = compare(); }
        catch (Exception ex) { why = $"{ex.GetType().Name}: {ex.Message}"; }
        outcomes.Add(why is null ? CheckOutcome.Pass($"{prefix}: {what}") : CheckOutcome.Fail($"{prefix}: {what}", why));
    }
}
