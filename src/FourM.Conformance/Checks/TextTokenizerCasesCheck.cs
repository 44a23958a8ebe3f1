using FourM.Tokenizers.Text;
using FourM.Tokenizers.Text.Verification;

namespace FourM.Conformance.Checks;

/// <summary>
/// Checks the text tokenizer against every case file in the folder (any JSON with top-level <c>tokenizer_file</c> and
/// <c>cases</c>): ids, tokens and both decodes of each case, exactly. The tokenizer is the folder's own
/// <c>tokenizer_file</c>, not the embedded copy, so other tokenizers and case sets can be checked too.
/// </summary>
public sealed class TextTokenizerCasesCheck : IConformanceCheck
{
    private const int MismatchesShown = 2;
    private const int CasesNamed = 5;

    public IEnumerable<string> ClaimedFiles(string goldenDir)
    {
        foreach (var path in CaseFiles(goldenDir))
        {
            yield return Path.GetFileName(path);
            string? tokenizerFile = TryTokenizerFile(path);
            if (tokenizerFile is not null) yield return tokenizerFile;
        }
    }

    public IEnumerable<CheckOutcome> Run(string goldenDir)
    {
        foreach (var path in CaseFiles(goldenDir)) yield return RunOne(goldenDir, path);
    }

    private static CheckOutcome RunOne(string goldenDir, string path)
    {
        string name = $"tokenizer {Path.GetFileName(path)}";
        try
        {
            var file = TextTokenizerCaseFile.Load(path);
            string tokenizerPath = Path.Combine(goldenDir, file.TokenizerFile);
            if (!File.Exists(tokenizerPath))
                return CheckOutcome.Fail(name, $"tokenizer_file '{file.TokenizerFile}' not found in {goldenDir}");
            var tokenizer = TextTokenizer.FromFile(tokenizerPath);
            var mismatches = TextTokenizerCaseVerifier.Verify(tokenizer, file);
            if (mismatches.Count == 0)
                return CheckOutcome.Pass($"{name}: {file.Cases.Count} cases" +
                                         (file.DecodeOnly.Count > 0 ? $", {file.DecodeOnly.Count} decode-only" : ""));
            var cases = mismatches.Select(m => m.Case).Distinct().ToList();
            string named = string.Join(", ", cases.Take(CasesNamed)) + (cases.Count > CasesNamed ? ", …" : "");
            string shown = string.Join("; ", mismatches.Take(MismatchesShown));
            return CheckOutcome.Fail(name, $"{cases.Count} of {file.Cases.Count + file.DecodeOnly.Count} case(s) differ: {named}. First: {shown}");
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or IOException or ArgumentException
                                       or InvalidOperationException or KeyNotFoundException)
        {
            return CheckOutcome.Fail(name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static IEnumerable<string> CaseFiles(string goldenDir) =>
        Directory.EnumerateFiles(goldenDir, "*.json")
            .Where(TextTokenizerCaseFile.LooksLikeCaseFile)
            .Order(StringComparer.Ordinal);

    private static string? TryTokenizerFile(string path)
    {
        try
        {
            return TextTokenizerCaseFile.Load(path).TokenizerFile;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or IOException or InvalidOperationException)
        {
            return null;
        }
    }
}
