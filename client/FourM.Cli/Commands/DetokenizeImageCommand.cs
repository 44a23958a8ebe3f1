using System.Text.Json;
using System.Text.RegularExpressions;
using FourM.ImageTokenizers;
using FourM.ImageTokenizers.Checkpoints;
using FourM.ImageTokenizers.Imaging;
using FourM.ImageTokenizers.Runtime;

namespace FourM.Cli.Commands;

/// <summary><c>fourm detokenize &lt;tokenizer&gt; &lt;tokens&gt; --out image.png</c>: a token grid → a viewable PNG.</summary>
public sealed partial class DetokenizeImageCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["detokenize"];
    public string Usage => "detokenize <tokenizer-dir-or-file> <tokens.json|ids.txt> --out image.png [--steps 25] [--seed 0] [--modality M] [--size 224] [--device cpu|cuda] [--dtype fp32|bf16]";
    public string Summary => "decode 4M tokens into a PNG (DiVAE: seeded DDPM sampling)";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        if (cl.Positional.Count != 2) throw new UsageException("expected a tokenizer and a token file");
        var (tokenizerPath, tokensPath) = (cl.Positional[0], cl.Positional[1]);
        var output = cl.Get("out") ?? throw new UsageException("--out <image.png> is required");
        if (!File.Exists(tokensPath)) throw new UsageException($"token file not found: {tokensPath}");
        var steps = cl.GetInt("steps", 25);
        var seed = cl.GetInt("seed", 0);
        var (device, dtype) = ImageCommandOptions.Target(cl);
        var tokens = ReadTokens(File.ReadAllText(tokensPath));
        try
        {
            using var runner = new ImageTokenizerRunner(ImageTokenizer.Load(tokenizerPath, device, dtype), ImageCommandOptions.Size(cl));
            var modality = ImageCommandOptions.Modality(cl, runner.Tokenizer, tokenizerPath);
            var (height, width) = runner.TokenGrid;
            if (tokens.Length != height * width)
                throw new UsageException($"{runner.Name} decodes {height}×{width} = {height * width} tokens, the file has {tokens.Length}");
            var decoded = runner.DetokenizeBatch([tokens], steps, [seed])[0];
            var rendered = OutputRendering.Render(decoded, modality);
            File.WriteAllBytes(output, rendered.Png);
            Console.WriteLine($"wrote {output} ({rendered.Image.Width}×{rendered.Image.Height}, {modality.ToString().ToLowerInvariant()})");
            foreach (var entry in rendered.Legend)
                Console.WriteLine(FormattableString.Invariant($"  class {entry.ClassId,4}  #{entry.R:X2}{entry.G:X2}{entry.B:X2}  {entry.Fraction:P1}"));
            return Task.FromResult(0);
        }
        catch (Exception ex) when (ex is TokenizerLoadException or ArgumentException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Task.FromResult(1);
        }
    }

    /// <summary>A <c>tokenize image</c> JSON file, or any text of integers (whitespace, comma or bracket separated).</summary>
    private static long[] ReadTokens(string text)
    {
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                var file = JsonSerializer.Deserialize<TokenFile>(text) ?? throw new UsageException("empty token file");
                return file.Tokens ?? throw new UsageException("the token file has no 'Tokens' array");
            }
            catch (JsonException ex)
            {
                throw new UsageException($"invalid token JSON: {ex.Message}");
            }
        }
        var matches = Integer().Matches(text);
        if (matches.Count == 0) throw new UsageException("the token file holds no integers");
        return matches.Select(m => long.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    [GeneratedRegex(@"-?\d+")]
    private static partial Regex Integer();
}
