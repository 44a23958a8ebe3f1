using FourM.Generation.Batching;
using FourM.Generation.Modalities;

namespace FourM.Generation.Schedules;

/// <summary>
/// Expands a <see cref="GenerationChain"/> into one <see cref="GenerationStepSpec"/> per decoding step, exactly as the
/// reference's <c>build_chained_generation_schedules</c> does (including its truncation to the shortest of the token,
/// temperature and guidance schedules, and autoregressive targets never joining the guidance conditions), and rejects plans
/// the reference would run into nonsense or crash on.
/// </summary>
public sealed class ChainedScheduleBuilder(ModalityCatalog? catalog = null)
{
    private readonly ModalityCatalog _catalog = catalog ?? ModalityCatalog.Default;

    public IReadOnlyList<GenerationStepSpec> Build(GenerationChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Targets.Count == 0) throw new GenerationPlanException("a generation chain needs at least one target");
        foreach (var cond in chain.CondDomains) _ = _catalog[cond];
        var guidanceConditions = chain.CondDomains.ToList();
        var steps = new List<GenerationStepSpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in chain.Targets)
        {
            var modality = _catalog[target.Domain];
            if (!seen.Add(target.Domain)) throw new GenerationPlanException($"target '{target.Domain}' appears twice in the chain");
            if (chain.CondDomains.Contains(target.Domain))
                throw new GenerationPlanException($"'{target.Domain}' is both a condition and a target");
            var cfg = target.CfgWeights ?? [target.CfgScale];
            if (cfg.Length == 0) throw new GenerationPlanException($"target '{target.Domain}': empty guidance weight list");
            if (target.CfgSchedule != "constant")
                throw new GenerationPlanException($"target '{target.Domain}': guidance schedule '{target.CfgSchedule}' is not supported (only 'constant'; the reference has no cosine guidance either)");
            if (target.Temperature < 0 || double.IsNaN(target.Temperature))
                throw new GenerationPlanException($"target '{target.Domain}': temperature must be ≥ 0, got {target.Temperature}");

            if (target.Scheme == DecodingScheme.Autoregressive)
            {
                if (modality.Kind != ModalityKind.Sequence)
                    throw new GenerationPlanException($"autoregressive decoding needs a sequence modality; '{target.Domain}' is {modality.Kind}");
                if (target.Tokens < 2) throw new GenerationPlanException($"target '{target.Domain}': an autoregressive target needs at least 2 slots, got {target.Tokens}");
                steps.Add(new GenerationStepSpec(target.Domain, target.Scheme, null, target.Temperature, cfg, guidanceConditions.ToArray()));
                // The reference 'continue's here: sequence targets never join the guidance conditions.
                continue;
            }

            if (modality.Kind != ModalityKind.Image || modality.IsPixels)
                throw new GenerationPlanException($"{target.Scheme} decoding needs an image-token modality; '{target.Domain}' is {(modality.IsPixels ? "a pixel input" : modality.Kind.ToString())} (use Autoregressive for sequences)");
            if (target.Steps < 1) throw new GenerationPlanException($"target '{target.Domain}': needs at least one decoding step, got {target.Steps}");
            if (target.Tokens < 1 || target.Tokens > modality.MaxTokens)
                throw new GenerationPlanException($"target '{target.Domain}': tokens to decode must be in 1..{modality.MaxTokens}, got {target.Tokens}");

            int[] tokenSchedule = target.Scheme switch
            {
                DecodingScheme.MaskGit => target.TokenSchedule switch
                {
                    "cosine" => TokenSchedules.Cosine(target.Steps, target.Tokens),
                    "linear" => TokenSchedules.Linear(target.Steps, target.Tokens),
                    _ => throw new GenerationPlanException($"target '{target.Domain}': unknown MaskGIT token schedule '{target.TokenSchedule}' (linear or cosine)"),
                },
                _ => TokenSchedules.Linear(target.Steps, target.Tokens),
            };
            if (tokenSchedule.Any(t => t < 0))
                throw new GenerationPlanException($"target '{target.Domain}': {target.Steps} cosine steps for {target.Tokens} tokens give negative token counts [{string.Join(',', tokenSchedule)}]; use fewer steps or the linear schedule");
            var temperatureSchedule = TemperatureSchedule.Parse(target.TemperatureSchedule);
            var temperatures = temperatureSchedule.Build(target.Temperature, target.Steps, tokenSchedule);
            if (temperatures.Any(double.IsNaN))
                throw new GenerationPlanException($"target '{target.Domain}': the '{target.TemperatureSchedule}' temperature schedule is undefined for {target.Tokens} token(s) (0/0 in the reference)");

            int count = Math.Min(Math.Min(tokenSchedule.Length, temperatures.Length), target.Steps);
            for (int i = 0; i < count; i++)
                steps.Add(new GenerationStepSpec(target.Domain, target.Scheme, tokenSchedule[i], temperatures[i], (double[])cfg.Clone(), guidanceConditions.ToArray()));

            if (chain.CfgGrowConditioning) guidanceConditions.Add(target.Domain);
        }
        return steps;
    }
}
