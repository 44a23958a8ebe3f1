using FourM.ImageTokenizers;
using FourM.Model.Checkpoints;
using static TorchSharp.torch;

namespace FourM.Conformance.Checks;

/// <summary>
/// VQ-VAE goldens: load the tokenizer from its weights + metadata, encode <c>input</c>, compare the encoder output, the projected latent,
/// the quantized latent and the tokens, then decode the stored tokens and compare the reconstruction (and its argmax).
/// Outcome names: <c>vqvae &lt;io-file&gt;: &lt;what&gt;</c>.
/// </summary>
public sealed class VqVaeConformanceCheck : IConformanceCheck
{
    public IEnumerable<string> ClaimedFiles(string goldenDir) =>
        ImageTokenizerGoldenPair.Find(goldenDir).Where(p => !p.IsDiffusion)
            .SelectMany(p => new[] { Path.GetFileName(p.WeightsFile), p.IoName });

    public IEnumerable<CheckOutcome> Run(string goldenDir)
    {
        var outcomes = new List<CheckOutcome>();
        foreach (var pair in ImageTokenizerGoldenPair.Find(goldenDir).Where(p => !p.IsDiffusion))
        {
            var prefix = $"vqvae {pair.IoName}";
            try
            {
                RunPair(pair, prefix, outcomes);
            }
            catch (Exception ex)
            {
                outcomes.Add(CheckOutcome.Fail(prefix, $"{ex.GetType().Name}: {ex.Message}"));
            }
        }
        return outcomes;
    }

    private static void RunPair(ImageTokenizerGoldenPair pair, string prefix, List<CheckOutcome> outcomes)
    {
        using var scope = NewDisposeScope();
        using var tokenizer = ImageTokenizer.Load(pair.WeightsFile);
        using var io = SafetensorsFile.Open(pair.IoFile);
        void Compare(string what, Func<string?> compare) => ImageTokenizerComparison.Record(outcomes, prefix, what, compare);

        var input = io.ReadTensor("input");
        if (io.Contains("encoder_output"))
            Compare("encoder_output", () => ImageTokenizerComparison.Close(tokenizer.EncoderFeatures(input), io.ReadTensor("encoder_output")));
        var latent = tokenizer.EncodeLatent(input);
        if (io.Contains("quant_proj_output"))
            Compare("quant_proj_output", () => ImageTokenizerComparison.Close(latent, io.ReadTensor("quant_proj_output")));
        var tokens = tokenizer.Tokenize(input);
        Compare("tokens", () => ImageTokenizerComparison.Exact(tokens, io.ReadTensor("tokens")));
        var storedTokens = io.ReadTensor("tokens");
        if (io.Contains("quant"))
            Compare("quant", () => ImageTokenizerComparison.Close(tokenizer.TokensToLatent(storedTokens), io.ReadTensor("quant")));
        var decoded = tokenizer.Detokenize(storedTokens);
        if (io.Contains("decoded_from_tokens"))
            Compare("decoded_from_tokens", () => ImageTokenizerComparison.Close(decoded, io.ReadTensor("decoded_from_tokens")));
        if (io.Contains("decoded_argmax"))
            Compare("decoded_argmax", () => ImageTokenizerComparison.Exact(decoded.argmax(1), io.ReadTensor("decoded_argmax")));
    }
}
