using FourM.TestSupport;
using FourM.Tokenizers.Text;
using FourM.Tokenizers.Text.Verification;
using Xunit;

namespace FourM.Tokenizers.Tests;

public sealed class GoldenCaseTests
{
    private static TextTokenizerCaseFile Cases() => TextTokenizerCaseFile.Load(Goldens.File("text_tokenizer_cases.json"));

    [GoldenFact]
    public void EveryReferenceCaseMatchesExactly_WithTheGoldenTokenizerFile()
    {
        var file = Cases();
        var tokenizer = TextTokenizer.FromFile(Goldens.File(file.TokenizerFile));
        var mismatches = TextTokenizerCaseVerifier.Verify(tokenizer, file);
        Assert.True(file.Cases.Count >= 150, $"expected the 150 public cases, read {file.Cases.Count}");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
    }

    [GoldenFact]
    public void EmbeddedDefaultTokenizerMatchesEveryReferenceCase()
    {
        var mismatches = TextTokenizerCaseVerifier.Verify(TextTokenizer.Default, Cases());
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
    }
}
