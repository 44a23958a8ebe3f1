using FourM.Conformance.Checks;
using FourM.Generation.Batching;
using FourM.Generation.Schedules;
using FourM.TestSupport;
using Xunit;

namespace FourM.Generation.Tests.Schedules;

public sealed class ChainedScheduleBuilderTests
{
    private static readonly ChainedScheduleBuilder Builder = new();

    private static GenerationChain TextToImage(bool grow) => new()
    {
        CondDomains = ["caption"],
        Targets =
        [
            new TargetPlan { Domain = "tok_clip@224", Scheme = DecodingScheme.Roar, Tokens = 196, Steps = 49, Temperature = 6.0, TemperatureSchedule = "onex:0.5:0.5", CfgScale = 3.0 },
            new TargetPlan { Domain = "tok_rgb@224", Scheme = DecodingScheme.MaskGit, Tokens = 196, Steps = 8, TokenSchedule = "cosine", Temperature = 0.5, CfgScale = 3.0 },
            new TargetPlan { Domain = "det", Scheme = DecodingScheme.Autoregressive, Tokens = 41, Temperature = 0.3 },
        ],
        CfgGrowConditioning = grow,
    };

    [Fact]
    public void Expands_each_target_into_its_steps_in_order()
    {
        var steps = Builder.Build(TextToImage(grow: true));
        Assert.Equal(49 + 8 + 1, steps.Count);
        Assert.All(steps.Take(49), s => Assert.Equal(4, s.NumTokens));
        Assert.Equal([7, 21, 32, 38, 38, 32, 21, 7], steps.Skip(49).Take(8).Select(s => s.NumTokens!.Value));
        Assert.Null(steps[^1].NumTokens);
        Assert.Equal(6.0 * 0 + 0.5, steps[48].Temperature, 12);
    }

    [Fact]
    public void Guidance_conditions_grow_with_finished_image_targets_only_when_asked()
    {
        var grown = Builder.Build(TextToImage(grow: true));
        Assert.Equal(["caption"], grown[0].CfgCondDomains);
        Assert.Equal(["caption", "tok_clip@224"], grown[49].CfgCondDomains);
        Assert.Equal(["caption", "tok_clip@224", "tok_rgb@224"], grown[^1].CfgCondDomains);
        var fixedConditions = Builder.Build(TextToImage(grow: false));
        Assert.All(fixedConditions, s => Assert.Equal(["caption"], s.CfgCondDomains));
    }

    [Fact]
    public void Rejects_autoregression_on_an_image_modality()
    {
        var chain = new GenerationChain { CondDomains = ["caption"], Targets = [new TargetPlan { Domain = "tok_rgb@224", Scheme = DecodingScheme.Autoregressive, Tokens = 196 }] };
        Assert.Contains("sequence modality", Assert.Throws<GenerationPlanException>(() => Builder.Build(chain)).Message);
    }

    [Fact]
    public void Rejects_maskgit_on_a_sequence_and_unknown_modalities()
    {
        var sequence = new GenerationChain { CondDomains = [], Targets = [new TargetPlan { Domain = "caption", Scheme = DecodingScheme.MaskGit, Tokens = 10, Steps = 2 }] };
        Assert.Throws<GenerationPlanException>(() => Builder.Build(sequence));
        var unknown = new GenerationChain { CondDomains = ["caption"], Targets = [new TargetPlan { Domain = "tok_nope@224", Scheme = DecodingScheme.Roar, Tokens = 196 }] };
        Assert.Contains("unknown modality 'tok_nope@224'", Assert.Throws<GenerationPlanException>(() => Builder.Build(unknown)).Message);
    }

    [Fact]
    public void Rejects_cosine_plans_with_negative_token_counts_and_too_many_tokens()
    {
        var negative = new GenerationChain { CondDomains = [], Targets = [new TargetPlan { Domain = "tok_depth@224", Scheme = DecodingScheme.MaskGit, Tokens = 16, Steps = 8, TokenSchedule = "cosine" }] };
        Assert.Contains("negative", Assert.Throws<GenerationPlanException>(() => Builder.Build(negative)).Message);
        var tooMany = new GenerationChain { CondDomains = [], Targets = [new TargetPlan { Domain = "tok_depth@224", Scheme = DecodingScheme.Roar, Tokens = 197, Steps = 1 }] };
        Assert.Throws<GenerationPlanException>(() => Builder.Build(tooMany));
    }

    [Fact]
    public void Linear_plans_with_more_steps_than_tokens_stop_when_the_tokens_run_out()
    {
        var chain = new GenerationChain { CondDomains = [], Targets = [new TargetPlan { Domain = "tok_dinov2_global", Scheme = DecodingScheme.Roar, Tokens = 16, Steps = 40 }] };
        var steps = Builder.Build(chain);
        Assert.Equal(16, steps.Count);
        Assert.All(steps, s => Assert.Equal(1, s.NumTokens));
    }

    [GoldenFact]
    public void Schedules_golden_passes_conformance()
    {
        var outcomes = new ScheduleConformanceCheck().Run(Goldens.Directory ?? Path.GetDirectoryName(Goldens.File("schedules.json"))!).ToList();
        Assert.NotEmpty(outcomes);
        Assert.All(outcomes, o => Assert.True(o.Passed, o.ToString()));
    }

    [GoldenFact]
    public void Rng_golden_passes_conformance()
    {
        var outcomes = new RngConformanceCheck().Run(Goldens.Directory ?? Path.GetDirectoryName(Goldens.File("rng.json"))!).ToList();
        Assert.True(outcomes.Count >= 2);
        Assert.All(outcomes, o => Assert.True(o.Passed, o.ToString()));
    }
}
