using FourM.Conformance.Checks;
using FourM.TestSupport;
using Xunit;

namespace FourM.ImageTokenizers.Tests.Golden;

public sealed class ConformanceCheckTests
{
    [GoldenFact]
    public void Vqvae_check_passes_every_comparison_it_makes()
    {
        var outcomes = new VqVaeConformanceCheck().Run(Goldens.Directory!).ToList();
        Assert.Contains(outcomes, o => o.ToString() == "PASS vqvae vqvae_tiny_io.safetensors: tokens");
        Assert.All(outcomes, o => Assert.True(o.Passed, o.ToString()));
    }

    [GoldenFact]
    public void Divae_check_passes_every_comparison_it_makes()
    {
        var outcomes = new DiVaeConformanceCheck().Run(Goldens.Directory!).ToList();
        Assert.Contains(outcomes, o => o.ToString() == "PASS divae divae_tiny_io.safetensors: decoded");
        Assert.All(outcomes, o => Assert.True(o.Passed, o.ToString()));
    }

    [GoldenFact]
    public void Checks_claim_the_tokenizer_files_and_nothing_else()
    {
        var claimed = new VqVaeConformanceCheck().ClaimedFiles(Goldens.Directory!)
            .Concat(new DiVaeConformanceCheck().ClaimedFiles(Goldens.Directory!)).Order().ToList();
        Assert.Equal(["divae_tiny.safetensors", "divae_tiny_io.safetensors", "vqvae_tiny.safetensors", "vqvae_tiny_io.safetensors"], claimed);
    }
}
