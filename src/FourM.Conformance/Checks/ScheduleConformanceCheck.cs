using System.Globalization;
using System.Text.Json.Nodes;
using FourM.Generation.Schedules;
using FourM.Generation.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Conformance.Checks;

/// <summary>
/// <c>schedules.json</c>: every token schedule (exact integers), temperature schedule (1e-12 relative), chained schedule and
/// top-k/top-p kept-mask in the file, recomputed by FourM.Generation.
/// </summary>
public sealed class ScheduleConformanceCheck : IConformanceCheck
{
    private const string FileName = "schedules.json";

    public IEnumerable<string> ClaimedFiles(string goldenDir) =>
        File.Exists(Path.Combine(goldenDir, FileName)) ? [FileName] : [];

    public IEnumerable<CheckOutcome> Run(string goldenDir)
    {
        var path = Path.Combine(goldenDir, FileName);
        if (!File.Exists(path)) yield break;
        var root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{FileName} is empty");
        var sections = new (string Key, Func<JsonArray, string?> Check)[]
        {
            ("linear_schedule", cases => CheckTokenSchedules(cases, TokenSchedules.Linear)),
            ("cosine_schedule", cases => CheckTokenSchedules(cases, TokenSchedules.Cosine)),
            ("linear_temp_schedule", CheckLinearTemperatures),
            ("onex_temp_schedule", CheckOneOverXTemperatures),
            ("build_chained_generation_schedules", CheckChains),
        };
        foreach (var (key, check) in sections)
        {
            if (root[key] is not JsonArray cases) continue;
            yield return Outcome($"schedule {key} {FileName}", () => check(cases));
        }
        if (root["top_k_top_p_filtering"] is JsonObject filtering)
            yield return Outcome($"schedule top_k_top_p_filtering {FileName}", () => CheckFiltering(filtering));
    }

    private static CheckOutcome Outcome(string name, Func<string?> check)
    {
        try
        {
            var why = check();
            return why is null ? CheckOutcome.Pass(name) : CheckOutcome.Fail(name, why);
        }
        catch (Exception ex)
        {
            return CheckOutcome.Fail(name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string? CheckTokenSchedules(JsonArray cases, Func<int, int, int[]> schedule)
    {
        int index = 0;
        foreach (var c in cases)
        {
            int steps = c!["num_steps"]!.GetValue<int>(), total = c["total_tokens"]!.GetValue<int>();
            var expected = Ints(c["result"]!);
            var actual = schedule(steps, total);
            if (!expected.SequenceEqual(actual))
                return $"case {index} (steps {steps}, tokens {total}): expected [{string.Join(',', expected)}], got [{string.Join(',', actual)}]";
            index++;
        }
        return index == 0 ? "no cases" : null;
    }

    private static string? CheckLinearTemperatures(JsonArray cases) => CheckTemperatures(cases,
        c => TemperatureSchedules.Linear(c["temp"]!.GetValue<double>(), Ints(c["token_schedule"]!)));

    private static string? CheckOneOverXTemperatures(JsonArray cases) => CheckTemperatures(cases,
        c => TemperatureSchedules.OneOverX(c["max_t"]!.GetValue<double>(), c["min_t"]!.GetValue<double>(), Ints(c["token_schedule"]!),
            c["power"]!.GetValue<double>()));

    private static string? CheckTemperatures(JsonArray cases, Func<JsonNode, double[]> compute)
    {
        int index = 0;
        foreach (var c in cases)
        {
            var expected = GenerationGoldenJson.Doubles(c!["result"]!);
            var actual = compute(c);
            if (expected.Length != actual.Length) return $"case {index}: expected {expected.Length} temperatures, got {actual.Length}";
            for (int i = 0; i < expected.Length; i++)
                if (!GenerationGoldenJson.Close(expected[i], actual[i]))
                    return $"case {index} step {i}: expected {expected[i].ToString("R", CultureInfo.InvariantCulture)}, got {actual[i].ToString("R", CultureInfo.InvariantCulture)}";
            index++;
        }
        return index == 0 ? "no cases" : null;
    }

    private static string? CheckChains(JsonArray cases)
    {
        int index = 0;
        foreach (var c in cases)
        {
            var chain = ReferenceScheduleArguments.ToChain(c!["args"]!);
            var actual = new ChainedScheduleBuilder().Build(chain);
            var why = GenerationGoldenJson.CompareSchedule(c["result"]!.AsArray(), actual);
            if (why is not null) return $"chain {index}: {why}";
            index++;
        }
        return index == 0 ? "no cases" : null;
    }

    private static string? CheckFiltering(JsonObject filtering)
    {
        var rows = filtering["logits"]!.AsArray();
        int r = rows.Count, v = rows[0]!.AsArray().Count;
        var values = rows.SelectMany(row => row!.AsArray().Select(x => (float)x!.GetValue<double>())).ToArray();
        using var scope = NewDisposeScope();
        var logits = torch.tensor(values, [r, v]);
        int index = 0;
        foreach (var c in filtering["cases"]!.AsArray())
        {
            var typ = c!["top_k_type"]?.GetValue<string>() ?? "int";
            double k = c["top_k"]!.GetValue<double>(), p = c["top_p"]!.GetValue<double>();
            var topK = k == 0 ? TopK.Off : typ == "float" ? TopK.Fraction(k) : TopK.Count((int)k);
            var filtered = LogitFilter.Apply(logits, topK, p);
            var kept = filtered.isfinite().data<bool>().ToArray();
            var keptBefore = logits.isfinite().data<bool>().ToArray();
            var expected = c["kept"]!.AsArray().SelectMany(row => row!.AsArray().Select(x => x!.GetValue<bool>())).ToArray();
            for (int i = 0; i < expected.Length; i++)
                if (expected[i] != (kept[i] && keptBefore[i]))
                    return $"case {index} (top_k {k} {typ}, top_p {p}): row {i / v} column {i % v} expected {(expected[i] ? "kept" : "removed")}";
            var unchanged = filtered.masked_select(filtered.isfinite()).data<float>().ToArray();
            var original = logits.masked_select(filtered.isfinite()).data<float>().ToArray();
            if (!unchanged.SequenceEqual(original)) return $"case {index}: kept logits were modified";
            index++;
        }
        return index == 0 ? "no cases" : null;
    }

    private static int[] Ints(JsonNode node) => node.AsArray().Select(x => x!.GetValue<int>()).ToArray();
}
