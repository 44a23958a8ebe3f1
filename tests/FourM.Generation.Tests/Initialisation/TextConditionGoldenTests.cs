using FourM.Conformance.Checks;
using FourM.Generation.Initialisation;
using FourM.Generation.Sequences;
using FourM.TestSupport;
using Xunit;

namespace FourM.Generation.Tests.Initialisation;

public sealed class TextConditionGoldenTests
{
    [GoldenFact]
    public void Custom_text_with_the_real_tokenizer_rebuilds_the_golden_caption_condition()
    {
        var folder = Path.GetDirectoryName(Goldens.File("gen_caseA_stage1.json"))!;
        using var golden = GenerationGoldenCase.Open(folder, "gen_caseA_stage1");
        var stored = golden.ReadState("init")["caption"];
        var built = SampleInitialisers.CustomText("caption", "a photo of a house by the lake [EOS]", TextTokenizerEncoder.Default, targetMaxLength: 50);
        Assert.Equal(stored.Tokens, built.Tokens);
        Assert.Equal(stored.InputMask, built.InputMask);
        Assert.Equal(stored.TargetMask, built.TargetMask);
    }
}
