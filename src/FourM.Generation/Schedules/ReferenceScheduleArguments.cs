using System.Text.Json.Nodes;
using FourM.Generation.Batching;

namespace FourM.Generation.Schedules;

/// <summary>
/// Reads the reference's <c>build_chained_generation_schedules</c> keyword arguments (as stored in golden JSON, or written by
/// hand in the reference's list-per-argument form) into a <see cref="GenerationChain"/>.
/// </summary>
public static class ReferenceScheduleArguments
{
    public static GenerationChain ToChain(JsonNode args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var targets = StringList(args, "target_domains");
        var plans = new List<TargetPlan>();
        for (int i = 0; i < targets.Count; i++)
        {
            var scheme = ParseScheme(Item(args, "autoregression_schemes", i)?.GetValue<string>() ?? throw Missing("autoregression_schemes", i));
            var cfgNode = Item(args, "cfg_scales", i);
            double[]? weights = cfgNode is JsonArray list ? list.Select(x => x!.GetValue<double>()).ToArray() : null;
            plans.Add(new TargetPlan
            {
                Domain = targets[i],
                Scheme = scheme,
                Tokens = Item(args, "tokens_per_target", i)?.GetValue<int>() ?? throw Missing("tokens_per_target", i),
                Steps = Item(args, "decoding_steps", i)?.GetValue<int>() ?? 1,
                TokenSchedule = Item(args, "token_decoding_schedules", i)?.GetValue<string>() ?? "linear",
                Temperature = Item(args, "temps", i)?.GetValue<double>() ?? throw Missing("temps", i),
                TemperatureSchedule = Item(args, "temp_schedules", i)?.GetValue<string>() ?? "constant",
                CfgScale = weights is null ? cfgNode?.GetValue<double>() ?? 1.0 : 1.0,
                CfgWeights = weights,
                CfgSchedule = Item(args, "cfg_schedules", i)?.GetValue<string>() ?? "constant",
            });
        }
        return new GenerationChain
        {
            CondDomains = StringList(args, "cond_domains"),
            Targets = plans,
            CfgGrowConditioning = args["cfg_grow_conditioning"]?.GetValue<bool>() ?? false,
        };
    }

    public static DecodingScheme ParseScheme(string name) => name.ToLowerInvariant() switch
    {
        "maskgit" => DecodingScheme.MaskGit,
        "roar" => DecodingScheme.Roar,
        "autoregressive" => DecodingScheme.Autoregressive,
        _ => throw new GenerationPlanException($"unknown decoding scheme '{name}' (maskgit, roar or autoregressive)"),
    };

    public static string SchemeName(DecodingScheme scheme) => scheme switch
    {
        DecodingScheme.MaskGit => "maskgit",
        DecodingScheme.Roar => "roar",
        _ => "autoregressive",
    };

    private static List<string> StringList(JsonNode args, string key) =>
        (args[key] as JsonArray ?? throw new GenerationPlanException($"schedule arguments lack the list '{key}'"))
        .Select(x => x!.GetValue<string>()).ToList();

    private static JsonNode? Item(JsonNode args, string key, int index)
    {
        if (args[key] is not JsonArray list) return null;
        if (index >= list.Count) throw new GenerationPlanException($"schedule argument '{key}' has {list.Count} entries, target {index} needs one");
        return list[index];
    }

    private static GenerationPlanException Missing(string key, int index) => new($"schedule argument '{key}' has no value for target {index}");
}
