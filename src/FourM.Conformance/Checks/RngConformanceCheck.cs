using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Conformance.Checks;

/// <summary>
/// <c>rng.json</c>: TorchSharp's CPU generator must reproduce the reference's draws bit for bit (rand, randn, multinomial,
/// randperm, randint, separately seeded generators). The probes under <c>extra</c> are interpreted from their descriptions,
/// so other probe files of the same notation work too.
/// </summary>
public sealed partial class RngConformanceCheck : IConformanceCheck
{
    private const string FileName = "rng.json";

    public IEnumerable<string> ClaimedFiles(string goldenDir) =>
        File.Exists(Path.Combine(goldenDir, FileName)) ? [FileName] : [];

    public IEnumerable<CheckOutcome> Run(string goldenDir)
    {
        var path = Path.Combine(goldenDir, FileName);
        if (!File.Exists(path)) yield break;
        var root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{FileName} is empty");
        float[,]? probs = root["probs"] is JsonArray p ? Matrix(p) : null;
        yield return Outcome($"rng stream {FileName}", () => CheckMainStream(root, probs));
        if (root["extra"] is JsonObject extra)
            foreach (var (description, expected) in extra)
                yield return Outcome($"rng '{description}' {FileName}", () => CheckProbe(description, expected!, probs));
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

    private static string? CheckMainStream(JsonNode root, float[,]? probs)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)root["seed"]!.GetValue<long>());
        var draws = new List<(string Name, JsonNode? Expected, Func<JsonNode> Draw)>
        {
            ("rand16", root["rand16"], () => Floats(torch.rand(16, generator: generator))),
            ("randn16", root["randn16"], () => Floats(torch.randn(16, generator: generator))),
            ("multinomial", root["multinomial"], () => Longs(torch.multinomial(Tensor(probs ?? throw new InvalidDataException("rng.json lacks probs")), 1, generator: generator).squeeze(-1))),
            ("randperm10", root["randperm10"], () => Longs(torch.randperm(10, generator: generator))),
        };
        foreach (var (name, expected, draw) in draws)
        {
            if (expected is null) return $"missing '{name}'";
            var actual = draw();
            if (!JsonNode.DeepEquals(Normalise(expected), actual)) return $"{name}: expected {expected.ToJsonString()}, got {actual.ToJsonString()}";
        }
        return null;
    }

    /// <summary>Runs a probe written as <c>stmt; stmt then stmt</c> and compares its draws (one list, or a list per draw).</summary>
    private static string? CheckProbe(string description, JsonNode expected, float[,]? probs)
    {
        using var scope = NewDisposeScope();
        Generator? generator = null;
        var results = new List<JsonNode>();
        foreach (var raw in description.Split([";", " then "], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Match m;
            if ((m = SeedPattern().Match(raw)).Success) { generator = new Generator(ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)); continue; }
            var g = generator ?? throw new InvalidDataException($"probe '{description}' draws before seeding");
            if ((m = RandPattern().Match(raw)).Success)
            {
                var shape = Shape(m.Groups[2].Value);
                results.Add(m.Groups[1].Value == "rand" ? Floats(torch.rand(shape, generator: g)) : Floats(torch.randn(shape, generator: g)));
            }
            else if ((m = RandintPattern().Match(raw)).Success)
                results.Add(Longs(torch.randint(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                    Shape(m.Groups[3].Value), generator: g)));
            else if ((m = MultinomialCallsPattern().Match(raw)).Success)
            {
                int calls = m.Groups[1].Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
                var p = Tensor(probs ?? throw new InvalidDataException("rng.json lacks probs"));
                for (int i = 0; i < calls; i++) results.Add(Longs(torch.multinomial(p, 1, generator: g).squeeze(-1)));
            }
            else if ((m = MultinomialLinspacePattern().Match(raw)).Success)
            {
                double lo = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), hi = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                long n = long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), rows = long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
                var p = torch.linspace(lo, hi, n).softmax(-1).unsqueeze(0).repeat(rows, 1);
                results.Add(Longs(torch.multinomial(p, 1, generator: g).squeeze(-1)));
            }
            else throw new InvalidDataException($"unrecognised probe statement '{raw}'");
        }
        JsonNode actual = results.Count == 1 ? results[0] : new JsonArray(results.ToArray<JsonNode?>());
        return JsonNode.DeepEquals(Normalise(expected), actual) ? null : $"expected {expected.ToJsonString()}, got {actual.ToJsonString()}";
    }

    private static long[] Shape(string text)
    {
        var dims = text.Replace("(", "").Replace(")", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(x => !x.Contains('=')).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return dims.Length == 0 ? throw new InvalidDataException($"no shape in '{text}'") : dims;
    }

    private static Tensor Tensor(float[,] values) => torch.tensor(values);

    private static float[,] Matrix(JsonArray rows)
    {
        int r = rows.Count, c = rows[0]!.AsArray().Count;
        var m = new float[r, c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) m[i, j] = (float)rows[i]![j]!.GetValue<double>();
        return m;
    }

    // Floats are compared through float32 (the stored values are float32 written as float64).
    private static JsonNode Floats(Tensor t) => ToJson(t, t.data<float>().Select(x => (JsonNode?)JsonValue.Create((double)x)).ToArray());
    private static JsonNode Longs(Tensor t) => ToJson(t, t.data<long>().Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());

    private static JsonNode ToJson(Tensor t, JsonNode?[] flat)
    {
        if (t.dim() <= 1) return new JsonArray(flat);
        long cols = t.shape[^1];
        return new JsonArray(flat.Chunk((int)cols).Select(row => (JsonNode?)new JsonArray(row)).ToArray());
    }

    /// <summary>Rewrites numbers as float32-rounded doubles or integers, so stored and drawn values compare by value.</summary>
    private static JsonNode Normalise(JsonNode node) => node switch
    {
        JsonArray a => new JsonArray(a.Select(x => (JsonNode?)Normalise(x!)).ToArray()),
        JsonValue v when v.TryGetValue<long>(out var l) && !v.ToJsonString().Contains('.') => JsonValue.Create(l),
        JsonValue v => JsonValue.Create((double)(float)v.GetValue<double>()),
        _ => node.DeepClone(),
    };

    [GeneratedRegex(@"^(?:torch\.)?(?:Generator\(\)\.)?manual_seed\((\d+)\)$")]
    private static partial Regex SeedPattern();
    [GeneratedRegex(@"^(rand|randn)\(([^)]*)\)$")]
    private static partial Regex RandPattern();
    [GeneratedRegex(@"^randint\((-?\d+),\s*(\d+),\s*(\([^)]*\))\)$")]
    private static partial Regex RandintPattern();
    [GeneratedRegex(@"^multinomial\(probs,\s*1\)(?:\s*x(\d+) calls)?$")]
    private static partial Regex MultinomialCallsPattern();
    [GeneratedRegex(@"^multinomial\(softmax\(linspace\((-?[\d.]+),\s*(-?[\d.]+),\s*(\d+)\)\) repeated (\d+) rows,\s*1\)$")]
    private static partial Regex MultinomialLinspacePattern();
}
