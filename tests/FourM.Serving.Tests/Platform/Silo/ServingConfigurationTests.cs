using FourM.Grains.Hosting;
using FourM.Silo.Configuration;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace FourM.Serving.Tests.Platform.Silo;

public sealed class ServingConfigurationTests
{
    private static FourMServingOptions Apply(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var options = new FourMServingOptions();
        ServingConfiguration.Apply(configuration, options);
        return options;
    }

    [Fact]
    public void Tokenizers_are_bound_per_modality_with_the_diffusion_defaults()
    {
        var options = Apply(
            ("FourM:Tokenizers:tok_rgb@224", "/models/tok/rgb_16k"),
            ("FourM:Tokenizers:tok_depth@224", "/models/tok/depth.safetensors"),
            ("FourM:Serving:DiffusionSteps", "50"),
            ("FourM:Serving:TokenizerDType", "bf16"));

        Assert.Equal(new Dictionary<string, string> { ["tok_rgb@224"] = "/models/tok/rgb_16k", ["tok_depth@224"] = "/models/tok/depth.safetensors" }, options.Tokenizers);
        Assert.Equal((50, "bf16"), (options.DiffusionSteps, options.TokenizerDType));
        Assert.Equal((25, "fp32"), (Apply().DiffusionSteps, Apply().TokenizerDType));
        Assert.Empty(Apply().Tokenizers);
    }

    [Fact]
    public void An_empty_tokenizer_path_or_zero_steps_is_refused_by_name()
    {
        Assert.Contains("FourM:Tokenizers:tok_rgb@224", Assert.Throws<ArgumentException>(() => Apply(("FourM:Tokenizers:tok_rgb@224", ""))).Message);
        Assert.Contains("DiffusionSteps", Assert.Throws<ArgumentException>(() => Apply(("FourM:Serving:DiffusionSteps", "0"))).Message);
    }

    [Fact]
    public void Step_chains_are_on_unless_the_setting_turns_them_off()
    {
        Assert.True(Apply().ChainSteps);
        Assert.False(Apply(("FourM:Serving:ChainSteps", "false")).ChainSteps);
        Assert.True(Apply(("FourM:Serving:ChainSteps", "true")).ChainSteps);
    }

    [Fact]
    public void Storage_grains_step_alignment_and_sequence_interleaving_are_bound_with_their_defaults()
    {
        Assert.Equal(64, Apply().InMemoryStorageGrains);
        Assert.Equal(16, Apply(("FourM:Serving:InMemoryStorageGrains", "16")).InMemoryStorageGrains);
        Assert.Contains("InMemoryStorageGrains", Assert.Throws<ArgumentException>(() => Apply(("FourM:Serving:InMemoryStorageGrains", "0"))).Message);
        Assert.Equal(8, Apply().Engine.StepAlignmentMinSteps);
        Assert.Equal(TimeSpan.FromSeconds(1), Apply().Engine.StepAlignmentBudget);
        Assert.Equal(TimeSpan.Zero, Apply(("FourM:Serving:Engine:StepAlignmentBudget", "00:00:00")).Engine.StepAlignmentBudget);
        Assert.Equal(3, Apply(("FourM:Serving:Engine:StepAlignmentMinSteps", "3")).Engine.StepAlignmentMinSteps);
        Assert.False(Apply().Engine.InterleaveSequenceDecodes);
        Assert.True(Apply(("FourM:Serving:Engine:InterleaveSequenceDecodes", "true")).Engine.InterleaveSequenceDecodes);
    }
}
