using FourM.Engine.Batching;
using FourM.Generation.Batching;
using FourM.Grains.Sessions;
using Xunit;

namespace FourM.Serving.Tests.Sessions;

/// <summary>The scheduling hints a session's jobs carry (<see cref="SessionPlan.StepsToSequence"/>, <see cref="SessionPlan.Shape"/>).</summary>
public sealed class SessionPlanTests
{
    private static PlannedStep Step(string target, DecodingScheme scheme) =>
        new(new GenerationStepSpec(target, scheme, scheme == DecodingScheme.Autoregressive ? null : 4, 1.0, [1.0], []), 7, new SamplingSettings(0, 0), null, 1, 1);

    private static SessionPlan Plan(params PlannedStep[] steps) => new(new SampleState { Modalities = [] }, steps);

    [Fact]
    public void Counts_the_steps_to_the_next_autoregressive_step()
    {
        var plan = Plan(
            Step("tok_depth@224", DecodingScheme.Roar), Step("tok_normal@224", DecodingScheme.Roar), Step("caption", DecodingScheme.Autoregressive),
            Step("tok_semseg@224", DecodingScheme.MaskGit), Step("det", DecodingScheme.Autoregressive));

        Assert.Equal([2, 1, 0, 1, 0], Enumerable.Range(0, 5).Select(plan.StepsToSequence));
    }

    [Fact]
    public void A_plan_without_a_sequence_step_left_says_so()
    {
        var plan = Plan(Step("caption", DecodingScheme.Autoregressive), Step("tok_clip@224", DecodingScheme.Roar), Step("tok_rgb@224", DecodingScheme.Roar));

        Assert.Equal([0, JobScheduling.NoSequenceAhead, JobScheduling.NoSequenceAhead], Enumerable.Range(0, 3).Select(plan.StepsToSequence));
    }

    [Fact]
    public void The_shape_names_each_target_with_its_scheme_and_step_count_in_order()
    {
        static PlannedStep At(string target, DecodingScheme scheme, int step, int steps) =>
            Step(target, scheme) with { TargetStep = step, TargetSteps = steps };
        var plan = Plan(At("tok_clip@224", DecodingScheme.Roar, 1, 2), At("tok_clip@224", DecodingScheme.Roar, 2, 2),
            At("tok_rgb@224", DecodingScheme.MaskGit, 1, 1), At("caption", DecodingScheme.Autoregressive, 1, 1));

        Assert.Equal("tok_clip@224:Roar:2|tok_rgb@224:MaskGit:1|caption:Autoregressive:1", plan.Shape);
        Assert.NotEqual(plan.Shape, Plan(At("tok_clip@224", DecodingScheme.Roar, 1, 1), At("tok_rgb@224", DecodingScheme.MaskGit, 1, 1)).Shape);
    }
}
