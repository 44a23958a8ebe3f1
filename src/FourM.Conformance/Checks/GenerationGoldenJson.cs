using System.Globalization;
using System.Text.Json.Nodes;
using FourM.Generation.Batching;
using FourM.Generation.Schedules;

namespace FourM.Conformance.Checks;

/// <summary>Reading the reference's JSON conventions (NaN as the string "nan", schedule dicts) for the generation checks.</summary>
internal static class GenerationGoldenJson
{
    public static double Double(JsonNode node) => node.GetValueKind() == System.Text.Json.JsonValueKind.String
        ? double.Parse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture)
        : node.GetValue<double>();

    public static double[] Doubles(JsonNode node) => node.AsArray().Select(x => Double(x!)).ToArray();

    /// <summary>Equal within 1e-12 relative (float64 schedules computed in a different order of libm calls), NaN equals NaN.</summary>
    public static bool Close(double expected, double actual) =>
        double.IsNaN(expected) ? double.IsNaN(actual) : Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected));

    /// <summary>Compares a reference schedule (list of dicts) with a built one; returns why they differ, or null.</summary>
    public static string? CompareSchedule(JsonArray expected, IReadOnlyList<GenerationStepSpec> actual)
    {
        if (expected.Count != actual.Count) return $"expected {expected.Count} steps, got {actual.Count}";
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i]!;
            var a = actual[i];
            if (e["target_domain"]!.GetValue<string>() != a.TargetDomain) return $"step {i}: target {e["target_domain"]} vs {a.TargetDomain}";
            if (e["scheme"]!.GetValue<string>() != ReferenceScheduleArguments.SchemeName(a.Scheme)) return $"step {i}: scheme {e["scheme"]} vs {a.Scheme}";
            int? tokens = e["num_tokens"]?.GetValue<int>();
            if (tokens != a.NumTokens) return $"step {i}: num_tokens {tokens?.ToString(CultureInfo.InvariantCulture) ?? "null"} vs {a.NumTokens?.ToString(CultureInfo.InvariantCulture) ?? "null"}";
            if (!Close(Double(e["temperature"]!), a.Temperature)) return $"step {i}: temperature {e["temperature"]} vs {a.Temperature.ToString("R", CultureInfo.InvariantCulture)}";
            var cfg = e["cfg_scale"] is JsonArray list ? Doubles(list) : [Double(e["cfg_scale"]!)];
            if (!cfg.SequenceEqual(a.CfgScales)) return $"step {i}: cfg_scale [{string.Join(',', cfg)}] vs [{string.Join(',', a.CfgScales)}]";
            var conds = e["cfg_cond_domains"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray();
            if (!conds.SequenceEqual(a.CfgCondDomains)) return $"step {i}: cfg_cond_domains [{string.Join(',', conds)}] vs [{string.Join(',', a.CfgCondDomains)}]";
        }
        return null;
    }
}
