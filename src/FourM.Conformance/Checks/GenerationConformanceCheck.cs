using System.Globalization;
using FourM.Generation.Batching;
using FourM.Generation.Initialisation;
using FourM.Generation.Modalities;
using FourM.Generation.Network;
using FourM.Generation.Requests;
using FourM.Generation.Schedules;
using FourM.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Conformance.Checks;

/// <summary>
/// Every <c>gen_*.json</c> + <c>.safetensors</c> pair: rebuilds the schedule from <c>schedule_args</c>, checks the empty-target
/// initialisers against <c>init.*</c>, then runs the file's seed, top-k and top-p from <c>init.*</c> with the folder's
/// <c>model.safetensors</c> (float32, CPU, batch 1) and checks each step's unmasked tokens and masks and the final sample
/// exactly, and every stored logits row within 1e-5.
/// </summary>
public sealed class GenerationConformanceCheck : IConformanceCheck
{
    private const double LogitTolerance = 1e-5;
    private const string ModelFile = "model.safetensors";

    public IEnumerable<string> ClaimedFiles(string goldenDir) =>
        GenerationGoldenCase.Names(goldenDir).SelectMany(n => new[] { n + ".json", n + ".safetensors" });

    public IEnumerable<CheckOutcome> Run(string goldenDir)
    {
        var names = GenerationGoldenCase.Names(goldenDir).ToList();
        if (names.Count == 0) yield break;
        var modelPath = Path.Combine(goldenDir, ModelFile);
        FourMModel? model = null;
        string? loadError = null;
        try
        {
            model = File.Exists(modelPath) ? FourMModel.Load(modelPath, ScalarType.Float32, CPU) : null;
            if (model is null) loadError = $"{ModelFile} not found in the folder";
        }
        catch (Exception ex)
        {
            loadError = $"loading {ModelFile}: {ex.GetType().Name}: {ex.Message}";
        }
        foreach (var name in names)
        {
            if (model is null) { yield return CheckOutcome.Fail($"generation {name}", loadError!); continue; }
            foreach (var outcome in RunCase(goldenDir, name, model)) yield return outcome;
        }
        model?.Dispose();
    }

    private static IEnumerable<CheckOutcome> RunCase(string folder, string name, FourMModel model)
    {
        var outcomes = new List<CheckOutcome>();
        try
        {
            using var golden = GenerationGoldenCase.Open(folder, name);
            var catalog = FourMModelNetwork.CatalogOf(model);
            var plan = new ChainedScheduleBuilder(catalog).Build(golden.Chain);
            outcomes.Add(Outcome($"generation schedule {name}.json", GenerationGoldenJson.CompareSchedule(golden.ExpectedSchedule, plan)));
            var initial = golden.ReadState("init");
            outcomes.Add(Outcome($"generation init {name}.safetensors", CheckEmptyTargets(golden, initial, catalog)));
            outcomes.AddRange(RunSteps(golden, initial, model, catalog));
        }
        catch (Exception ex)
        {
            outcomes.Add(CheckOutcome.Fail($"generation {name}", $"{ex.GetType().Name}: {ex.Message}"));
        }
        return outcomes;
    }

    /// <summary>The targets' <c>init</c> states must be what our empty-target initialiser builds from the schedule arguments.</summary>
    private static string? CheckEmptyTargets(GenerationGoldenCase golden, SampleState initial, ModalityCatalog catalog)
    {
        foreach (var target in golden.Chain.Targets)
        {
            if (!initial.Contains(target.Domain)) return $"init has no '{target.Domain}'";
            var built = SampleInitialisers.EmptyTarget(catalog[target.Domain], target.Tokens);
            var stored = initial[target.Domain];
            if (!built.Tokens.SequenceEqual(stored.Tokens) || !built.InputMask.SequenceEqual(stored.InputMask) || !built.TargetMask.SequenceEqual(stored.TargetMask))
                return $"'{target.Domain}': the empty-target initialiser differs from init";
        }
        return null;
    }

    private static List<CheckOutcome> RunSteps(GenerationGoldenCase golden, SampleState initial, FourMModel model, ModalityCatalog catalog)
    {
        var outcomes = new List<CheckOutcome>();
        long[]? imagePositions = null;
        Tensor? imageLogits = null;
        var tokenLogits = new Dictionary<int, Tensor>();
        var options = new StepRunnerOptions
        {
            ImageLogitsObserver = (_, positions, logits) => { imagePositions = positions; imageLogits?.Dispose(); imageLogits = logits.detach().clone().cpu().DetachFromDisposeScope(); },
            TokenLogitsObserver = (_, index, logits) => tokenLogits[index] = logits.detach().clone().cpu().DetachFromDisposeScope(),
        };
        var runner = new StepBatchRunner(new FourMModelNetwork(model), catalog, options);
        var request = new GenerationRequest { RequestId = golden.Name, InitialState = initial, Chain = golden.Chain, Seed = golden.Seed, Sampling = golden.Sampling };
        var session = new GenerationSession(request, catalog);
        if (golden.Seed is null) outcomes.Add(CheckOutcome.Fail($"generation {golden.Name}", "the golden run is unseeded; token equality cannot be checked"));
        while (!session.IsComplete)
        {
            int step = session.NextStep;
            var job = session.NextJob();
            foreach (var t in tokenLogits.Values) t.Dispose();
            tokenLogits.Clear();
            var result = runner.RunBatch([job])[0];
            session.Apply(result);
            string prefix = $"step{step:D2}";
            if (!golden.HasState(prefix)) continue;
            var why = CompareStates(golden.ReadState(prefix), result.State, job.Step.TargetDomain)
                      ?? CompareStepLogits(golden, prefix, job, imagePositions, imageLogits, result, tokenLogits);
            outcomes.Add(Outcome($"generation step {step:D2} {golden.Name}.safetensors", why));
        }
        foreach (var t in tokenLogits.Values) t.Dispose();
        imageLogits?.Dispose();
        if (golden.HasState("final"))
            outcomes.Add(Outcome($"generation final {golden.Name}.safetensors", CompareStates(golden.ReadState("final"), session.State, null)));
        return outcomes;
    }

    /// <summary>
    /// Masks must match exactly, and tokens wherever they are inputs (the reference's step-by-step API writes previews of
    /// not-yet-unmasked tokens in guided MaskGIT steps, which never influence later steps).
    /// </summary>
    private static string? CompareStates(SampleState expected, SampleState actual, string? target)
    {
        foreach (var e in expected.Modalities)
        {
            if (!actual.Contains(e.Modality)) return $"'{e.Modality}' is missing";
            var a = actual[e.Modality];
            if (!e.InputMask.SequenceEqual(a.InputMask)) return $"'{e.Modality}' input_mask differs ({Difference(e.InputMask, a.InputMask)})";
            if (!e.TargetMask.SequenceEqual(a.TargetMask)) return $"'{e.Modality}' target_mask differs ({Difference(e.TargetMask, a.TargetMask)})";
            if (e.Pixels is not null) continue;
            if (e.Tokens.Length != a.Tokens.Length) return $"'{e.Modality}' has {a.Tokens.Length} tokens, expected {e.Tokens.Length}";
            for (int i = 0; i < e.Tokens.Length; i++)
                if (!e.InputMask[i] && e.Tokens[i] != a.Tokens[i])
                    return $"'{e.Modality}' token {i}: expected {e.Tokens[i]}, got {a.Tokens[i]}{(e.Modality == target ? " (target)" : "")}";
        }
        return null;
    }

    private static string? CompareStepLogits(GenerationGoldenCase golden, string prefix, StepJob job, long[]? positions, Tensor? logits,
        StepResult result, Dictionary<int, Tensor> tokenLogits)
    {
        using var scope = NewDisposeScope();
        if (job.Step.Scheme == DecodingScheme.Autoregressive)
        {
            if (golden.Has(prefix + ".ar_out"))
            {
                var expected = golden.Longs(prefix + ".ar_out");
                if (result.GeneratedSequence is not { } actual || !expected.SequenceEqual(actual))
                    return $"ar_out: expected [{string.Join(' ', expected)}], got [{string.Join(' ', result.GeneratedSequence ?? [])}]";
            }
            if (golden.Has(prefix + ".ar_logits"))
            {
                var expected = golden.Tensor(prefix + ".ar_logits", ScalarType.Float32);   // (T, 1, V)
                for (int t = 0; t < expected.shape[0]; t++)
                {
                    if (!tokenLogits.TryGetValue(t, out var actual)) return $"ar_logits: token {t} was not decoded";
                    var diff = (expected[t] - actual).abs().max().item<float>();
                    if (diff > LogitTolerance) return $"ar_logits token {t}: max |Δ| {diff.ToString("E2", CultureInfo.InvariantCulture)} > {LogitTolerance}";
                }
            }
            return null;
        }
        if (golden.Has(prefix + ".mod_pos"))
        {
            var expected = golden.Longs(prefix + ".mod_pos");
            if (positions is null) return "no decoder positions were observed";
            int n = Math.Min(expected.Length, positions.Length);
            if (!expected.Take(n).SequenceEqual(positions.Take(n))) return $"decoder positions differ from mod_pos (first {n})";
        }
        if (golden.Has(prefix + ".logits"))
        {
            if (logits is null) return "no logits were observed";
            var expected = golden.Tensor(prefix + ".logits", ScalarType.Float32)[0];   // (rows, V)
            long rows = expected.shape[0];
            if (rows > logits.shape[0]) return $"golden stores {rows} logits rows, the step decoded {logits.shape[0]}";
            var diff = (expected - logits.narrow(0, 0, rows)).abs().max().item<float>();
            if (diff > LogitTolerance) return $"logits: max |Δ| {diff.ToString("E2", CultureInfo.InvariantCulture)} > {LogitTolerance}";
        }
        return null;
    }

    private static string Difference(bool[] e, bool[] a)
    {
        if (e.Length != a.Length) return $"length {a.Length} vs {e.Length}";
        var differing = Enumerable.Range(0, e.Length).Where(i => e[i] != a[i]).ToList();
        return $"{differing.Count} positions, first {differing[0]}";
    }

    private static CheckOutcome Outcome(string name, string? why) => why is null ? CheckOutcome.Pass(name) : CheckOutcome.Fail(name, why);
}
