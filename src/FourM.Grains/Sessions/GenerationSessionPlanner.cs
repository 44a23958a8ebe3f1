using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Requests;
using FourM.Generation.Schedules;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Mapping;

namespace FourM.Grains.Sessions;

/// <summary>
/// Plans sessions with the generation layer's own <see cref="GenerationSession"/>, so that a served session takes exactly
/// the steps, seeds and starting sample the in-process generator would for the same request.
/// </summary>
public sealed class GenerationSessionPlanner(ModalityCatalog? catalog = null, RequestInitialiser? initialiser = null) : ISessionPlanner
{
    private readonly ModalityCatalog _catalog = catalog ?? ModalityCatalog.Default;

    public SessionPlan Plan(SessionRequest request)
    {
        var generation = new GenerationSession(ToGenerationRequest(request, _catalog), _catalog, initialiser);
        var steps = new List<PlannedStep>(generation.Plan.Count);
        var sampling = generation.Request.Sampling;
        for (var i = 0; i < generation.Plan.Count; i++)
        {
            var spec = generation.Plan[i];
            var targetSteps = generation.Plan.Count(s => s.TargetDomain == spec.TargetDomain);
            var targetStep = generation.Plan.Take(i + 1).Count(s => s.TargetDomain == spec.TargetDomain);
            steps.Add(new PlannedStep(spec, generation.Seed + i, sampling, null, targetStep, targetSteps));
        }
        return new SessionPlan(generation.State, steps);
    }

    /// <summary>The generation layer's request for a session request (the session's seed must already be fixed).</summary>
    public static GenerationRequest ToGenerationRequest(SessionRequest request, ModalityCatalog? catalog = null)
    {
        catalog ??= ModalityCatalog.Default;
        return new GenerationRequest
        {
            Inputs = request.Inputs.Select(ToInput).ToList(),
            Chain = new GenerationChain
            {
                CondDomains = request.Inputs.Select(i => i.Modality).ToList(),
                Targets = request.Targets.Select(t => ToTarget(t, catalog)).ToList(),
                CfgGrowConditioning = request.CfgGrowConditioning,
            },
            Seed = request.Seed,
            Sampling = new SamplingSettings(request.TopK, request.TopP),
        };
    }

    private static GenerationInput ToInput(ModalityInput input) => new()
    {
        Modality = input.Modality,
        Text = input.Text,
        Tokens = input.Tokens,
        // Our input mask says "hidden"; the generation layer's holes are the hidden tokens it must generate.
        Holes = input.InputMask is { } mask && mask.Contains(true) ? (bool[])mask.Clone() : null,
        Pixels = input.Pixels,
        PixelShape = input.PixelShape,
    };

    private static TargetPlan ToTarget(TargetSchedule target, ModalityCatalog catalog)
    {
        var modality = catalog[target.Modality];
        var sequence = modality.Kind != ModalityKind.Image;
        return new TargetPlan
        {
            Domain = target.Modality,
            Scheme = WorkMapping.ToScheme(target.Scheme),
            // Sequences: MaxTokens new tokens need one more slot for the start sentinel.
            Tokens = target.MaxTokens is { } max ? (sequence ? max + 1 : max) : modality.MaxTokens,
            Steps = target.DecodingSteps,
            TokenSchedule = target.TokenSchedule,
            Temperature = target.Temperature,
            TemperatureSchedule = target.TemperatureSchedule,
            CfgScale = target.CfgScale,
            CfgSchedule = target.CfgSchedule,
        };
    }
}
