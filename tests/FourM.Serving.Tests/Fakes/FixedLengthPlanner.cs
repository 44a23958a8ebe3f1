using FourM.Generation.Batching;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Mapping;
using FourM.Grains.Sessions;

namespace FourM.Serving.Tests.Fakes;

/// <summary>
/// A small planner for the fake model: inputs are fully visible tokens or pixels (<see cref="PixelPatches"/> patches); each target is an empty grid of a fixed length
/// per modality; a target's steps split its tokens evenly; step <c>i</c> of the plan is seeded <c>seed + i</c>.
/// </summary>
public sealed class FixedLengthPlanner : ISessionPlanner
{
    public static int LengthOf(string modality) => modality == "caption" ? 12 : 16;

    public const int PixelPatches = 4;

    public SessionPlan Plan(SessionRequest request)
    {
        var initial = new SampleState();
        foreach (var input in request.Inputs)
        {
            if (input.Pixels is { } pixels)
            {
                // A pixel input is visible as a whole; the fake model reads the pixels themselves.
                initial.Modalities.Add(new ModalityState
                {
                    Modality = input.Modality,
                    Tokens = [],
                    InputMask = new bool[PixelPatches],
                    TargetMask = Enumerable.Repeat(true, PixelPatches).ToArray(),
                    Pixels = pixels,
                    PixelShape = input.PixelShape,
                });
                continue;
            }
            var tokens = input.Tokens ?? throw new ArgumentException($"fake planner needs tokens for '{input.Modality}'");
            initial.Modalities.Add(new ModalityState
            {
                Modality = input.Modality,
                Tokens = (long[])tokens.Clone(),
                InputMask = new bool[tokens.Length],
                TargetMask = Enumerable.Repeat(true, tokens.Length).ToArray(),
            });
        }
        var steps = new List<PlannedStep>();
        foreach (var target in request.Targets)
        {
            var length = LengthOf(target.Modality);
            initial.Modalities.Add(new ModalityState
            {
                Modality = target.Modality,
                Tokens = new long[length],
                InputMask = Enumerable.Repeat(true, length).ToArray(),
                TargetMask = new bool[length],
            });
            var stepCount = target.Scheme == TargetScheme.Autoregressive ? length : Math.Max(1, target.DecodingSteps);
            for (var s = 0; s < stepCount; s++)
            {
                var tokens = length / stepCount + (s < length % stepCount ? 1 : 0);
                var spec = new GenerationStepSpec(target.Modality, WorkMapping.ToScheme(target.Scheme), tokens, target.Temperature,
                    [target.CfgScale], []);
                steps.Add(new PlannedStep(spec, request.Seed + steps.Count, new SamplingSettings(request.TopK, request.TopP), null, s + 1, stepCount));
            }
        }
        return new SessionPlan(initial, steps);
    }
}
