using FourM.Generation.Batching;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Sessions;

namespace FourM.Serving.Tests.Platform.Silo;

/// <summary>Plans every target as a grid of <see cref="GridTokens"/> masked tokens, unmasked evenly over its steps.</summary>
public sealed class FixedGridPlanner : ISessionPlanner
{
    public const int GridTokens = 8;

    public SessionPlan Plan(SessionRequest request)
    {
        var initial = new SampleState();
        foreach (var input in request.Inputs)
        {
            var tokens = input.Tokens ?? [1, 2, 3];
            initial.Modalities.Add(new ModalityState
            {
                Modality = input.Modality, Tokens = tokens, InputMask = new bool[tokens.Length], TargetMask = Enumerable.Repeat(true, tokens.Length).ToArray(),
            });
        }
        var steps = new List<PlannedStep>();
        foreach (var target in request.Targets)
        {
            initial.Modalities.Add(new ModalityState
            {
                Modality = target.Modality, Tokens = new long[GridTokens],
                InputMask = Enumerable.Repeat(true, GridTokens).ToArray(), TargetMask = new bool[GridTokens],
            });
            var perStep = (int)Math.Ceiling(GridTokens / (double)target.DecodingSteps);
            for (int s = 1; s <= target.DecodingSteps; s++)
                steps.Add(new PlannedStep(
                    new GenerationStepSpec(target.Modality, DecodingScheme.Roar, perStep, target.Temperature, [target.CfgScale], []),
                    request.Seed, new SamplingSettings(request.TopK, request.TopP), null, s, target.DecodingSteps));
        }
        return new SessionPlan(initial, steps);
    }
}
