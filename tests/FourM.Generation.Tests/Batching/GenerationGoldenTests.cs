using FourM.Conformance.Checks;
using FourM.TestSupport;
using Xunit;

namespace FourM.Generation.Tests.Batching;

public sealed class GenerationGoldenTests
{
    [GoldenFact]
    public void Every_generation_golden_reproduces_step_by_step()
    {
        var folder = Path.GetDirectoryName(Goldens.File("model.safetensors"))!;
        var outcomes = new GenerationConformanceCheck().Run(folder).ToList();
        Assert.Contains(outcomes, o => o.Name.StartsWith("generation final", StringComparison.Ordinal));
        Assert.All(outcomes, o => Assert.True(o.Passed, o.ToString()));
    }
}
